// Text and JSON renderings of an InspectReport.
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "quantlens/inspect.h"

namespace ql {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// Left-aligned columns separated by two spaces; numeric-looking columns are not special-cased.
void printTable(std::ostringstream& out, const std::vector<std::string>& header, const Rows& rows) {
    std::vector<std::size_t> widths(header.size());
    for (std::size_t c = 0; c < header.size(); ++c) {
        widths[c] = header[c].size();
        for (const auto& row : rows) {
            widths[c] = std::max(widths[c], row[c].size());
        }
    }
    const auto line = [&](const std::vector<std::string>& cells) {
        std::string text = "  ";
        for (std::size_t c = 0; c < cells.size(); ++c) {
            text += cells[c];
            if (c + 1 < cells.size()) {
                text += std::string(widths[c] - cells[c].size() + 2, ' ');
            }
        }
        out << text << '\n';
    };
    line(header);
    for (const auto& row : rows) {
        line(row);
    }
}

std::string number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

void printConfig(std::ostringstream& out, const ModelConfig& c) {
    out << "architecture: " << c.architecture << " (" << c.modelType << "), " << c.numHiddenLayers << " layers, hidden "
        << c.hiddenSize << ", intermediate " << c.intermediateSize << ", heads " << c.numAttentionHeads << "/"
        << c.numKeyValueHeads << " (head_dim " << c.headDim << "), vocab " << c.vocabSize << '\n';
    out << "  rope " << ropeTypeName(c.ropeScaling.type) << " theta " << number(c.ropeTheta) << ", rms_norm_eps "
        << number(c.rmsNormEps) << ", tie_word_embeddings " << (c.tieWordEmbeddings ? "true" : "false") << ", dtype "
        << (c.torchDtype.empty() ? "-" : c.torchDtype) << '\n';
}

void printAdapter(std::ostringstream& out, const InspectReport& r) {
    const LoraConfig& c = *r.adapterConfig;
    out << "adapter: LoRA r " << c.r << ", lora_alpha " << number(c.loraAlpha) << (c.useRslora ? ", rslora" : "")
        << (c.useDora ? ", DoRA" : "") << ", base " << (c.baseModelNameOrPath.empty() ? "-" : c.baseModelNameOrPath)
        << ", " << r.adapterModules.size() << " adapted modules\n";
    Rows rows;
    for (const auto& m : r.adapterModules) {
        rows.push_back({m.name, std::to_string(m.rank), number(m.alpha), number(m.scaling),
                        std::to_string(m.inFeatures), std::to_string(m.outFeatures), std::string(dtypeName(m.dtype))});
    }
    printTable(out, {"module", "rank", "alpha", "scaling", "in", "out", "dtype"}, rows);
    for (const auto& e : r.adapterExtras) {
        out << "  saved whole: " << e.key << " -> " << e.baseName << '\n';
    }
}

void printTrainer(std::ostringstream& out, const TrainerState& s) {
    out << "trainer state: global_step " << s.globalStep << ", epoch " << number(s.epoch) << ", max_steps "
        << s.maxSteps << ", " << s.logHistory.size() << " log entries";
    if (auto loss = s.lastValue("loss")) {
        out << ", last loss " << number(*loss);
    }
    if (auto evalLoss = s.lastValue("eval_loss")) {
        out << ", last eval_loss " << number(*evalLoss);
    }
    if (s.bestMetric) {
        out << ", best_metric " << number(*s.bestMetric);
    }
    out << '\n';
}

void printHub(std::ostringstream& out, const HubSnapshot& h) {
    out << "hub: " << h.repoId << " @ " << h.revision << " -> snapshot " << h.commitHash << " (cache "
        << h.cache.dir.string() << ", from " << h.cache.rule << ")\n";
}

std::string metricsText(const std::map<std::string, double>& metrics) {
    std::string out;
    for (const auto& [k, v] : metrics) {
        if (k == "eval_runtime" || k.ends_with("_per_second")) continue;  // throughput, not quality
        out += (out.empty() ? "" : ", ") + k + " " + number(v);
    }
    return out.empty() ? "-" : out;
}

void printCheckpoints(std::ostringstream& out, const InspectReport& r) {
    out << "checkpoints (" << r.trainerCheckpoints.size() << ", latest by global step first):\n";
    Rows rows;
    for (auto it = r.trainerCheckpoints.rbegin(); it != r.trainerCheckpoints.rend(); ++it) {
        const auto& c = *it;
        const std::string contents = c.hasAdapter ? "adapter" : c.hasModelWeights ? "model" : "-";
        rows.push_back({c.directory.filename().string(), c.globalStep ? std::to_string(*c.globalStep) : "-",
                        c.epoch ? number(*c.epoch) : "-", c.loss ? number(*c.loss) : "-",
                        c.problem.empty() ? metricsText(c.evalMetrics) : "(" + c.problem + ")", contents});
    }
    printTable(out, {"checkpoint", "global_step", "epoch", "loss", "eval metrics", "holds"}, rows);
    if (r.inspectedCheckpoint) out << "inspected: " << r.inspectedCheckpoint->string() << " (the latest)\n";
}

void printTensorsAndModules(std::ostringstream& out, const InspectReport& r) {
    if (!r.modules.empty()) {
        Rows rows;
        for (const auto& m : r.modules) {
            rows.push_back({m.name, std::to_string(m.inFeatures), std::to_string(m.outFeatures),
                            std::string(dtypeName(m.dtype)), formatBytes(m.bytes), m.hasBias ? "yes" : "no",
                            m.quantization.empty() ? "-" : m.quantization});
        }
        out << "modules (" << r.modules.size() << "):\n";
        printTable(out, {"module", "in", "out", "dtype", "bytes", "bias", "quantization"}, rows);
    }
    Rows rows;
    for (const auto& t : r.tensors) {
        rows.push_back({t.name, std::string(dtypeName(t.dtype)), formatShape(t.shape), formatBytes(t.bytes), t.file});
    }
    out << "tensors (" << r.tensors.size() << "):\n";
    printTable(out, {"tensor", "dtype", "shape", "bytes", "file"}, rows);
}

}  // namespace

std::string formatBytes(std::uint64_t bytes) {
    if (bytes < 1024) {
        return std::to_string(bytes) + " B";
    }
    const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = static_cast<double>(bytes) / 1024.0;
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < std::size(units)) {
        value /= 1024.0;
        ++unit;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f %s", value, units[unit]);
    return buf;
}

std::string formatInspectText(const InspectReport& r) {
    std::ostringstream out;
    out << "path: " << r.path.string() << "\nkind: " << inspectKindName(r.kind) << '\n';
    if (r.hub) {
        printHub(out, *r.hub);
    }
    if (!r.trainerCheckpoints.empty()) {
        printCheckpoints(out, r);
    }
    if (r.config) {
        printConfig(out, *r.config);
    }
    out << "totals: " << r.tensors.size() << " tensors, " << r.totalElements << " elements, "
        << formatBytes(r.totalBytes) << " (" << r.totalBytes << " bytes)\n";
    for (const auto& d : r.perDtype) {
        out << "  " << dtypeName(d.dtype) << ": " << d.elements << " elements, " << formatBytes(d.bytes) << '\n';
    }
    out << "quantization: " << (r.torchaoTensorsFound ? "torchao tensors found" : "no quantized tensors");
    out << (r.quantizationConfigJson.empty() ? "" : "; config.json quantization_config " + r.quantizationConfigJson)
        << '\n';
    if (r.trainerState) {
        printTrainer(out, *r.trainerState);
    }
    if (r.adapterConfig) {
        printAdapter(out, r);
    }
    printTensorsAndModules(out, r);
    for (const auto& note : r.notes) {
        out << "note: " << note << '\n';
    }
    return out.str();
}

}  // namespace ql
