// Streams the comparison of a train/eval pair of [N, K] tensors handed over in row blocks, and
// accumulates every weight metric of the report in one pass over each block (diff_kernel.h):
// the DiffAccumulator sums, the |Δ| log histogram, the per-group max |Δ| map and the worst elements.
// Results do not depend on the block sizes or the thread count: sums are kept per row and added
// in row order. Memory: the [N, K / mapGroup] map plus the worst candidates.
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "verify/diff_kernel.h"
#include "verify/metrics.h"

namespace ql::checks {

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
    // exact for fp32, bf16 and fp16 inputs; fp32 and bf16 are read in place). `original` ([r, K] or undefined) is recorded with the
    // worst elements. Blocks may come in any order but each row once.
    void add(const at::Tensor& a, const at::Tensor& b, std::int64_t row0, const at::Tensor& original = {});

    const DiffAccumulator& sums() const { return m_sums; }
    Histogram histogram() const;  // absDiffHistogram's definition
    // groupErrorMap's definition (empty map without Options::mapGroup).
    GroupErrorMap groupMap(std::int64_t maxCells = 256) const;
    std::vector<WorstElement> worst() const;  // worstElements' definition

private:
    std::int64_t m_rows, m_cols;
    Options m_options;
    DiffAccumulator m_sums;
    std::vector<std::uint64_t> m_hist;
    std::uint64_t m_zeros = 0, m_overflow = 0;
    at::Tensor m_groupMax;  // fp32 [N, K / mapGroup]
    kernels::WorstSink m_worst;
};

}  // namespace ql::checks
