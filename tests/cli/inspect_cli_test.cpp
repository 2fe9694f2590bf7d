// `quantlens inspect` end to end: every corpus case exits 2 with exactly one stderr line (that
// contains the case's "expect") and nothing on stdout (recipe cases through `diff-config`); a valid
// directory gives exit 0 and JSON.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "quantlens/inspect.h"
#include "support/reference_data.h"
#include "support/safetensors_writer.h"

namespace fs = std::filesystem;

namespace {

struct RunResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string shellQuote(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return q + "'";
}

// Runs `quantlens inspect ARGS` (`diff-config ARGS` for a recipe) in `cwd` with `env` (NAME=value
// prefixes), capturing stdout and stderr into files.
RunResult runInspect(const fs::path& cwd, const std::vector<std::string>& args, const fs::path& scratch,
                     const std::string& env = "", const char* command = "inspect") {
    std::string cmd = "cd " + shellQuote(cwd.string()) + " && " + env + shellQuote(QL_EXE) + " " + command;
    for (const auto& a : args) {
        cmd += " " + shellQuote(a);
    }
    cmd += " >" + shellQuote((scratch / "out").string()) + " 2>" + shellQuote((scratch / "err").string());
    const int status = std::system(cmd.c_str());
    RunResult r;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = readAll(scratch / "out");
    r.err = readAll(scratch / "err");
    return r;
}

}  // namespace

TEST(InspectCli, CorpusCasesExitTwoWithOneLine) {
    ql::test::TempDir scratch;
    std::size_t count = 0;
    for (const auto& entry : fs::directory_iterator(QL_CORPUS_DIR)) {
        const fs::path metaPath = entry.path() / "case.json";
        if (!entry.is_directory() || !fs::exists(metaPath)) {
            continue;
        }
        SCOPED_TRACE(entry.path().filename().string());
        const auto meta = nlohmann::json::parse(readAll(metaPath));
        std::vector<std::string> args{meta.at("target").get<std::string>()};
        for (const auto& a : meta.value("args", std::vector<std::string>{})) {
            args.push_back(a);
        }
        std::string env;
        const auto environment = meta.value("env", nlohmann::json::object());  // items() must not outlive it
        for (const auto& [name, value] : environment.items()) {
            env += name + "=" + shellQuote(value.get<std::string>()) + " ";
        }
        const bool recipe = meta.value("tool", "inspect") == "recipe";
        if (recipe) args = {args.front(), args.front()};  // diff-config A A: the recipe is read first
        const RunResult r = runInspect(entry.path(), args, scratch.path(), env, recipe ? "diff-config" : "inspect");
        EXPECT_EQ(r.exitCode, 2);
        EXPECT_TRUE(r.out.empty()) << r.out;
        ASSERT_FALSE(r.err.empty());
        EXPECT_EQ(r.err.back(), '\n');
        EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "more than one line: " << r.err;
        EXPECT_TRUE(r.err.starts_with("quantlens: ")) << r.err;
        EXPECT_NE(r.err.find(meta.at("expect").get<std::string>()), std::string::npos) << r.err;
        ++count;
    }
    EXPECT_GT(count, 12u);
}

TEST(InspectCli, JsonOnAValidAdapterAndBase) {
    // The corpus' ad_in_out_mismatch base is a valid tiny Qwen3 checkpoint.
    const fs::path base = fs::path(QL_CORPUS_DIR) / "ad_in_out_mismatch" / "base";
    ql::test::TempDir scratch;
    const RunResult r = runInspect(base, {".", "--json"}, scratch.path());
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    const auto json = nlohmann::json::parse(r.out);
    EXPECT_EQ(json.at("schema_version"), ql::kInspectSchemaVersion);
    EXPECT_EQ(json.at("kind"), "model_checkpoint");
    EXPECT_EQ(json.at("config").at("architecture"), "Qwen3ForCausalLM");
    // 13 tensors written by make_hf_cases.py (tied model: no lm_head.weight).
    EXPECT_EQ(json.at("tensors").size(), 13u);
    EXPECT_EQ(json.at("modules").size(), 8u);  // embed_tokens + 7 Linear weights

    const RunResult text = runInspect(base, {"."}, scratch.path());
    ASSERT_EQ(text.exitCode, 0) << text.err;
    EXPECT_NE(text.out.find("model.layers.0.mlp.down_proj"), std::string::npos);
}

TEST(InspectCli, MissingPathIsOneLine) {
    ql::test::TempDir scratch;
    const RunResult r = runInspect(scratch.path(), {"does-not-exist"}, scratch.path());
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(r.out.empty());
    EXPECT_EQ(r.err, "quantlens: does-not-exist: no such file or directory\n");
}

// `quantlens inspect --json` on every reference checkpoint, adapter and trainer checkpoint
// (tests/reference/ql_ref/checkpoints.py): exit 0, and what it prints agrees with what safetensors
// (tensor names, dtypes, shapes, bytes, files) and peft (per-module rank, alpha, scaling) read.
TEST(InspectCli, EveryReferenceCheckpointMatchesTheLibraries) {
    const auto cases = ql::test::referenceCases("checkpoints");
    ASSERT_TRUE(cases.has_value());
    ql::test::TempDir scratch;
    for (const auto& c : *cases) {
        const auto expected = ql::test::loadJsonFile(c.expected);
        ASSERT_TRUE(expected.has_value());
        const RunResult r = runInspect(fs::current_path(), {c.path.string(), "--json"}, scratch.path());
        ASSERT_EQ(r.exitCode, 0) << c.name << ": " << r.err;
        const auto got = nlohmann::json::parse(r.out);
        if (c.kind == "model") {
            EXPECT_EQ(got["total_bytes"], (*expected)["total_bytes"]) << c.name;
            EXPECT_EQ(got["tensors"], (*expected)["tensors"]) << c.name;
            continue;
        }
        const auto& modules = got["adapter"]["modules"];
        std::map<std::string, nlohmann::json> byName;
        for (const auto& m : modules) {
            byName[m["name"].get<std::string>()] = m;
        }
        const auto& wanted = (*expected)["modules"];
        ASSERT_EQ(byName.size(), wanted.size()) << c.name;
        for (const auto& w : wanted) {
            const auto it = byName.find(w["name"].get<std::string>());
            ASSERT_NE(it, byName.end()) << c.name << ": " << w["name"];
            EXPECT_EQ(it->second["rank"], w["r"]) << c.name << " " << w["name"];
            EXPECT_EQ(it->second["alpha"].get<double>(), w["lora_alpha"].get<double>()) << c.name;
            EXPECT_EQ(it->second["scaling"].get<double>(), w["scaling"].get<double>()) << c.name << " " << w["name"];
        }
    }
    std::printf("inspect --json agreed with safetensors/peft on %zu reference cases\n", cases->size());
}
