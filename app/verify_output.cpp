#include "verify_output.h"

#include <cstdio>
#include <sstream>

namespace ql::cli {
namespace {

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

std::string keyNumbers(const CheckSummary& c) {
    std::string out;
    for (const KeyNumber& k : c.numbers) out += (out.empty() ? "" : "; ") + k.label + " " + k.display;
    return out;
}

std::string kindName(const CheckSummary& c) {
    return std::string(checkKindName(c.kind));
}

// "Qwen/Qwen3-4B @ main (abc123def456)" after the folder, when the model came from the hub cache.
std::string model(const SideSummary& s) {
    const SideResolution& r = s.resolution;
    std::string out = s.modelDir;
    if (!r.hubRepoId.empty())
        out += " (" + r.hubRepoId + " @ " + r.hubRevision + ", " + r.hubCommit.substr(0, 12) + ")";
    return out;
}

void side(std::ostringstream& o, const char* name, const SideSummary& s) {
    o << name << ": " << s.recipeFile << '\n';
    o << "  model:        " << model(s) << '\n';
    if (!s.adapterDir.empty()) o << "  adapter:      " << s.adapterDir << " (" << s.adapterForm << ")\n";
    if (s.resolution.checkpointStep) {
        o << "  checkpoint:   checkpoint-" << *s.resolution.checkpointStep << " (" << s.resolution.checkpointRule
          << ")\n";
    }
    o << "  quantization: " << (s.quantization.empty() ? "none" : s.quantization) << " (" << s.dtype << ", "
      << s.deviceNumerics << " numerics, torchao " << s.torchaoVersion << ")\n";
}

std::string tolerance(const Tolerance& t) {
    return "atol " + num(t.atol) + " rtol " + num(t.rtol);
}

// The convert rule's opt-in argmax threshold.
std::string argmaxRule(const std::optional<double>& threshold) {
    return threshold ? ", argmax agreement >= " + num(100.0 * *threshold) + " %" : "";
}

std::string effect(const TrackEffect& e) {
    return std::to_string(e.weightsModulesDiffering) + " modules differing, logits max |d| " + num(e.logitsMaxAbs) +
           ", top-1 " + num(100.0 * e.logitsTop1Agreement) + " %";
}

// The diagnosis: each cause reverted alone (ranked), all of them, what is left.
void whatToChange(std::ostringstream& o, const Diagnosis& d) {
    o << "\nwhat to change (each difference reverted alone, measured; smallest gap left first):\n";
    char field[64];
    for (const DiagnosisCause& c : d.causes) {
        std::snprintf(field, sizeof field, "  %-34s ", c.field.c_str());
        o << field << c.eval << " -> " << c.train << ": " << (c.effect ? effect(*c.effect) : c.note);
        if (c.effect && !c.note.empty()) o << "; " << c.note;
        o << '\n';
    }
    if (d.allReverted) {
        std::snprintf(field, sizeof field, "  %-34s ", "all reverted:");
        o << field << effect(*d.allReverted) << " ("
          << (d.fixedRecipeMatchesTrain ? "matches train: --write-fixed-eval FILE writes it"
                                        : "still differs from train")
          << ")\n";
    }
    for (const std::string& left : d.remaining) o << "  left: " << left << '\n';
}

}  // namespace

std::string reportToText(const VerifyReport& r, const TextOptions& options) {
    std::ostringstream o;
    side(o, "train", r.train);
    side(o, "eval", r.eval);
    o << "tolerances: weights " << tolerance(r.weightTolerance) << "; logits " << tolerance(r.logitTolerance)
      << "; convert " << tolerance(r.convertTolerance) << (r.convert ? argmaxRule(r.convert->argmaxThreshold) : "")
      << '\n';
    o << "run: " << r.prompts.size() << (r.prompts.size() == 1 ? " prompt" : " prompts") << ", device " << r.device
      << ", attention " << r.attention << ", " << num(r.wallSeconds) << " s\n\n";
    char line[64];
    for (const CheckSummary& c : r.checks) {
        std::snprintf(line, sizeof line, "%-14s %-8s ", kindName(c).c_str(),
                      std::string(checkStatusName(c.status)).c_str());
        o << line << c.headline << '\n';
        if (!options.verbose) continue;
        if (!c.rule.empty()) o << "    rule: " << c.rule << '\n';
        if (!c.numbers.empty()) o << "    numbers: " << keyNumbers(c) << '\n';
        if (!c.explanation.empty()) o << "    " << c.explanation << '\n';
    }
    for (const auto& w : r.warnings) o << "warning: " << w.kind << ' ' << w.subject << ": " << w.detail << '\n';
    if (r.diagnosis) whatToChange(o, *r.diagnosis);
    if (!options.written.empty()) o << '\n';
    for (const std::string& w : options.written) o << w << '\n';
    o << "\nverdict: " << r.verdictText() << '\n';
    return o.str();
}

namespace {

// Escapes XML text and attribute values; drops the control characters XML 1.0 cannot hold.
std::string xml(const std::string& s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
                out += c;
        }
    }
    return out;
}

std::string details(const CheckSummary& c) {
    std::string out = c.headline + '\n';
    if (!c.rule.empty()) out += "rule: " + c.rule + '\n';
    if (!c.numbers.empty()) out += "numbers: " + keyNumbers(c) + '\n';
    if (!c.explanation.empty()) out += c.explanation + '\n';
    return out;
}

}  // namespace

std::string reportToJunit(const VerifyReport& r) {
    int failures = 0, errors = 0, skipped = 0;
    for (const CheckSummary& c : r.checks) {
        failures += c.status == CheckStatus::Fail ? 1 : 0;
        errors += c.status == CheckStatus::Error ? 1 : 0;
        skipped += c.status == CheckStatus::Skipped ? 1 : 0;
    }
    std::ostringstream counts;
    counts << "tests=\"" << r.checks.size() << "\" failures=\"" << failures << "\" errors=\"" << errors
           << "\" skipped=\"" << skipped << "\" time=\"" << num(r.wallSeconds) << '"';
    std::ostringstream o;
    o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    o << "<testsuites name=\"quantlens verify\" " << counts.str() << ">\n";
    o << "  <testsuite name=\"quantlens verify\" " << counts.str() << " timestamp=\"" << xml(r.createdUtc) << "\">\n";
    o << "    <properties>\n";
    const auto property = [&](const char* name, const std::string& value) {
        o << "      <property name=\"" << name << "\" value=\"" << xml(value) << "\"/>\n";
    };
    property("train_recipe", r.train.recipeFile);
    property("eval_recipe", r.eval.recipeFile);
    property("train_model", model(r.train));
    property("eval_model", model(r.eval));
    property("device", r.device);
    property("quantlens_version", r.quantlensVersion);
    o << "    </properties>\n";
    for (const CheckSummary& c : r.checks) {
        o << "    <testcase classname=\"quantlens.verify\" name=\"" << xml(kindName(c)) << "\" time=\"0\">\n";
        const std::string message = xml(c.headline);
        if (c.status == CheckStatus::Fail) {
            o << "      <failure message=\"" << message << "\" type=\"fail\">" << xml(details(c)) << "</failure>\n";
        } else if (c.status == CheckStatus::Error) {
            o << "      <error message=\"" << message << "\" type=\"error\">" << xml(details(c)) << "</error>\n";
        } else if (c.status == CheckStatus::Skipped) {
            o << "      <skipped message=\"" << message << "\"/>\n";
        } else {  // pass (and any status that is not a failure)
            o << "      <system-out>" << xml(details(c)) << "</system-out>\n";
        }
        o << "    </testcase>\n";
    }
    if (!r.warnings.empty()) {
        o << "    <system-err>";
        for (const auto& w : r.warnings) o << xml("warning: " + w.kind + " " + w.subject + ": " + w.detail) << '\n';
        o << "</system-err>\n";
    }
    o << "  </testsuite>\n</testsuites>\n";
    return o.str();
}

namespace {

// Workflow command escaping (actions/toolkit command.ts): data escapes % CR LF; properties also : and ,.
std::string escapeData(const std::string& s) {
    std::string out;
    for (const char c : s) {
        if (c == '%')
            out += "%25";
        else if (c == '\r')
            out += "%0D";
        else if (c == '\n')
            out += "%0A";
        else
            out += c;
    }
    return out;
}

std::string escapeProperty(const std::string& s) {
    std::string out;
    for (const char c : escapeData(s)) {
        if (c == ':')
            out += "%3A";
        else if (c == ',')
            out += "%2C";
        else
            out += c;
    }
    return out;
}

}  // namespace

std::string reportToAnnotations(const VerifyReport& r) {
    std::ostringstream o;
    for (const CheckSummary& c : r.checks) {
        if (c.status != CheckStatus::Fail && c.status != CheckStatus::Error) continue;
        const std::string title = "QuantLens verify: " + kindName(c) + " " + std::string(checkStatusName(c.status));
        std::string message = c.headline;
        if (!c.rule.empty()) message += "\nrule: " + c.rule;
        if (!c.explanation.empty()) message += "\n" + c.explanation;
        o << "::error title=" << escapeProperty(title) << "::" << escapeData(message) << '\n';
    }
    for (const auto& w : r.warnings) {
        o << "::warning title=" << escapeProperty("QuantLens warning: " + w.kind)
          << "::" << escapeData(w.subject + ": " + w.detail) << '\n';
    }
    return o.str();
}

}  // namespace ql::cli
