// Streams the comparison of a train/eval pair of [N, K] tensors handed over in row blocks, and
// accumulates every weight metric of the report in one pass over each block (diff_kernel.h):
// the DiffAccumulator sums, the |Δ| log histogram, the per-group max |Δ| map and the worst elements.
// add() may be called from several threads at once with disjoint rows. Results depend neither on
// the block sizes, nor on the order blocks arrive in, nor on the thread count: sums are kept per row
// and added in row order when asked for. Memory: a few doubles per row, the [N, K / mapGroup] map
// and the worst candidates.
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "verify/diff_kernel.h"
#include "verify/metrics.h"

namespace ql::checks {

// Per-group (scale, zero) of the rows handed to add(), [r, K / groupSize] fp32 each: attached to the
// worst elements of those rows (the quantization grid of the worst element's group, for the report).
struct GroupGrid {
    at::Tensor scale, zero;
    std::int64_t groupSize = 0;
};

class DiffStream {
public:
    struct Options {
        Tolerance tolerance;
        std::int64_t mapGroup = 0;  // > 0: keep the per-group max |Δ| map (groups of K / mapGroup cells)
        int worstCount = 0;         // > 0: keep that many worst elements
        bool histogram = true;      // false: skip the |Δ| bins (histogram() then has zero counts)
        bool portable = false;      // the scalar kernel path only (tests compare it with the vector path)
    };

    DiffStream(std::int64_t rows, std::int64_t cols, const Options& options);

    // Rows [row0, row0 + r) of both sides, [r, K] each, any floating dtype (compared as fp32:
    // exact for fp32, bf16 and fp16 inputs; fp32 and bf16 are read in place). `original` ([r, K] or undefined) is
    // recorded with the worst elements. Blocks may come in any order but each row once. CUDA tensors are compared on
    // their device by the CUDA compare kernel where this build has it (same definitions; the float64
    // sums then come in the kernel's fixed block order, so their last bits may differ from the CPU's).
    void add(const at::Tensor& a, const at::Tensor& b, std::int64_t row0, const at::Tensor& original = {},
             const GroupGrid* grid = nullptr);

    DiffAccumulator sums() const;
    Histogram histogram() const;  // absDiffHistogram's definition
    // groupErrorMap's definition (empty map without Options::mapGroup).
    GroupErrorMap groupMap(std::int64_t maxCells = 256) const;
    std::vector<WorstElement> worst() const;  // worstElements' definition
    // The grid of the largest worst element's group, when add() was given grids (scale, zero).
    std::optional<std::pair<double, double>> worstGrid() const;

private:
    bool addOnDevice(const at::Tensor& a, const at::Tensor& b, std::int64_t row0, const at::Tensor& original,
                     const GroupGrid* grid);
    void annotate(kernels::WorstSink& sink, std::int64_t row0, std::int64_t rows, const GroupGrid* grid) const;

    std::int64_t m_rows, m_cols;
    Options m_options;
    std::vector<kernels::RowDiff> m_rowSums;  // per row of the host path, summed in row order by sums()
    std::vector<char> m_rowAdded;
    DiffAccumulator m_deviceSums;  // blocks compared on a CUDA device, in the order they came
    std::uint64_t m_deviceZeros = 0, m_deviceOverflow = 0;
    std::vector<std::uint64_t> m_hist;
    at::Tensor m_groupMax;  // fp32 [N, K / mapGroup]
    kernels::WorstSink m_worst;
    // Guards m_hist, m_worst and the device sums (held by pointer: the stream stays movable).
    std::unique_ptr<std::mutex> m_mutex = std::make_unique<std::mutex>();
};

}  // namespace ql::checks
