#include "verify_progress.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace ql::cli {

std::string formatSeconds(double seconds) {
    char buf[32];
    if (seconds < 10)
        std::snprintf(buf, sizeof buf, "%.1f s", seconds);
    else if (seconds < 60)
        std::snprintf(buf, sizeof buf, "%.0f s", seconds);
    else
        std::snprintf(buf, sizeof buf, "%d min %02d s", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
    return buf;
}

ProgressPrinter::ProgressPrinter(std::FILE* out, bool terminal, int layers)
    : m_out(out), m_terminal(terminal), m_layers(layers) {}

// The decoder layer of a module name ("model.layers.3.mlp.down_proj" -> "layer 4/28 (model.layers.3)"),
// or the module itself outside the layers ("lm_head").
std::string ProgressPrinter::where(const Progress& p) const {
    const std::string key = "layers.";
    const auto at = p.item.find(key);
    if (at == std::string::npos || (at > 0 && p.item[at - 1] != '.')) return p.item;
    std::size_t end = at + key.size();
    while (end < p.item.size() && std::isdigit(static_cast<unsigned char>(p.item[end]))) ++end;
    if (end == at + key.size()) return p.item;
    const int index = std::stoi(p.item.substr(at + key.size(), end - at - key.size()));
    std::string out = "layer " + std::to_string(index + 1);
    if (m_layers > 0) out += "/" + std::to_string(m_layers);
    return out + " (" + p.item.substr(0, end) + ")";
}

std::string ProgressPrinter::timing(const Progress& p) const {
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    std::string out = formatSeconds(elapsed) + " elapsed";
    const std::int64_t measured = p.done - m_stageFirstDone;
    if (p.total > 0 && measured > 0) {
        const double perItem =
            std::chrono::duration<double>(now - m_stageStart).count() / static_cast<double>(measured);
        out += ", about " + formatSeconds(perItem * static_cast<double>(p.total - p.done)) + " left";
    } else if (p.total > 0) {
        out += ", estimating the time left";
    }
    return out;
}

bool ProgressPrinter::operator()(const Progress& p) {
    if (p.stage == "walk") {  // who runs: one line, kept on a terminal too
        std::fprintf(m_out, "%s%s: %s\n", m_lineOpen ? "\r\033[K" : "", "verify", p.item.c_str());
        m_lineOpen = false;
        std::fflush(m_out);
        return true;
    }
    if (p.stage != m_stage) {
        m_stage = p.stage;
        m_stageStart = Clock::now();
        m_stageFirstDone = p.done;
    }
    const bool counted = p.total > 0 && p.stage != "config";  // the walk's modules; set-up steps are named only
    const std::string place = counted ? where(p) : p.item;
    std::string line = p.stage + ": " + place;
    if (counted) {
        line += ", module " + std::to_string(std::min(p.done + 1, p.total)) + "/" + std::to_string(p.total);
    }
    if (m_terminal) {
        line += ", " + timing(p);
        std::fprintf(m_out, "\r\033[K%s", line.c_str());
        m_lineOpen = true;
    } else if (counted && place != m_lastWhere) {  // plain: a line per layer, none for set-up
        std::fprintf(m_out, "%s, %s\n", line.c_str(), timing(p).c_str());
        m_walked = true;
    }
    m_lastWhere = place;
    std::fflush(m_out);
    return true;
}

void ProgressPrinter::finish(bool succeeded) {
    if (m_lineOpen) {
        std::fprintf(m_out, "\r\033[K");
        m_lineOpen = false;
    } else if (m_walked && succeeded) {
        const double seconds = std::chrono::duration<double>(Clock::now() - m_start).count();
        std::fprintf(m_out, "verify: done in %s\n", formatSeconds(seconds).c_str());
    }
    std::fflush(m_out);
}

}  // namespace ql::cli
