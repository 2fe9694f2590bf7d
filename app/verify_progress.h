// Progress of `quantlens verify` on stderr: one line per layer when stderr is a file or a pipe (CI
// logs), one line updated in place (\r) when it is a terminal. Each line names the layer, the module
// count, the time elapsed and an estimate of the time left.
#pragma once

#include <quantlens/progress.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace ql::cli {

class ProgressPrinter {
public:
    // `layers`: the model's num_hidden_layers (0 when unknown; lines then omit "of N").
    ProgressPrinter(std::FILE* out, bool terminal, int layers);

    // The engine's callback; never cancels.
    bool operator()(const Progress& p);
    // Ends the output: clears the updating line, or prints the total time in plain mode.
    void finish(bool succeeded);

private:
    using Clock = std::chrono::steady_clock;
    std::string where(const Progress& p) const;   // "layer 3 of 28", "lm_head"
    std::string timing(const Progress& p) const;  // "12 s elapsed, about 40 s left"

    std::FILE* m_out;
    bool m_terminal;
    int m_layers;
    Clock::time_point m_start = Clock::now();
    std::string m_stage;  // the stage whose timing is measured
    Clock::time_point m_stageStart;
    std::int64_t m_stageFirstDone = 0;
    std::string m_lastWhere;
    bool m_lineOpen = false;  // terminal mode: an updating line is on screen
    bool m_walked = false;    // plain mode: a layer line was printed
};

// "4.2 s", "38 s", "3 min 05 s".
std::string formatSeconds(double seconds);

}  // namespace ql::cli
