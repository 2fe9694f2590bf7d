#include "verify/diff_stream.h"

#include <ATen/Parallel.h>

#include <mutex>

#include "quant/fused_compare.h"

namespace ql::checks {
namespace {

const kernels::HistogramBins& logBins() {
    static const kernels::HistogramBins kBins(logHistogramEdges());
    return kBins;
}

const std::vector<double>& edges() { return logBins().edges(); }

// The kernel reads fp32 and bf16 rows in place; other dtypes are converted to fp32 first.
at::Tensor asKernelRows(const at::Tensor& t, std::int64_t rows, std::int64_t cols) {
    at::Tensor r = t.detach().reshape({rows, cols});
    if (!r.is_cpu() || (r.scalar_type() != at::kFloat && r.scalar_type() != at::kBFloat16)) {
        r = r.to(at::kCPU, at::kFloat);
    }
    return r.contiguous();
}

kernels::RowValues rowValues(const at::Tensor& t) {
    if (!t.defined()) {
        return {};
    }
    return {t.data_ptr(), t.scalar_type() == at::kBFloat16};
}

}  // namespace

DiffStream::DiffStream(std::int64_t rows, std::int64_t cols, const Options& options)
    : m_rows(rows), m_cols(cols), m_options(options), m_hist(edges().size() - 1, 0),
      m_worst(static_cast<std::size_t>(std::max(0, options.worstCount))) {
    if (m_options.mapGroup > 0) {
        m_options.mapGroup = quant::effectiveMapGroup(cols, static_cast<int>(m_options.mapGroup));
        m_groupMax = at::zeros({rows, cols / m_options.mapGroup}, at::kFloat);
    }
}

void DiffStream::add(const at::Tensor& aIn, const at::Tensor& bIn, std::int64_t row0, const at::Tensor& originalIn) {
    const std::int64_t r = aIn.numel() / std::max<std::int64_t>(1, m_cols), k = m_cols;
    if (r == 0 || k == 0) {
        return;
    }
    const at::Tensor a = asKernelRows(aIn, r, k), b = asKernelRows(bIn, r, k);
    const at::Tensor original = originalIn.defined() ? asKernelRows(originalIn, r, k) : at::Tensor();
    kernels::RowDiffParams params;
    params.atol = m_options.tolerance.atol;
    params.rtol = m_options.tolerance.rtol;
    params.bins = m_options.histogram ? &logBins() : nullptr;
    params.lastEdge = logBins().last();
    params.mapGroup = m_options.mapGroup;
    params.portable = m_options.portable;
    std::vector<kernels::RowDiff> rows(static_cast<std::size_t>(r));
    const kernels::RowValues va = rowValues(a), vb = rowValues(b), vo = rowValues(original);
    float* map = m_groupMax.defined() ? m_groupMax.data_ptr<float>() : nullptr;
    const std::int64_t mapCols = m_groupMax.defined() ? m_groupMax.size(1) : 0;
    std::mutex merge;
    at::parallel_for(0, r, std::max<std::int64_t>(1, 32768 / k), [&](std::int64_t begin, std::int64_t end) {
        std::vector<std::uint64_t> hist(m_hist.size(), 0);
        kernels::WorstSink worst(static_cast<std::size_t>(std::max(0, m_options.worstCount)));
        for (std::int64_t i = begin; i < end; ++i) {
            kernels::diffRow(va.offset(i * k), vb.offset(i * k), vo.offset(i * k), k, row0 + i, params,
                             rows[static_cast<std::size_t>(i)], hist.data(),
                             map ? map + (row0 + i) * mapCols : nullptr, worst);
        }
        std::lock_guard<std::mutex> lock(merge);
        for (std::size_t j = 0; j < hist.size(); ++j) {
            m_hist[j] += hist[j];
        }
        m_worst.merge(worst);
    });
    m_sums.total += static_cast<std::uint64_t>(r * k);
    for (const kernels::RowDiff& row : rows) {
        m_sums.differing += row.differing;
        m_sums.outOfTolerance += row.outOfTolerance;
        m_sums.nonFinite += row.nonFinite;
        m_sums.maxAbs = std::max(m_sums.maxAbs, row.maxAbs);
        m_sums.sumAbs += row.sumAbs;
        m_sums.sumSq += row.sumSq;
        m_sums.sumB2 += row.sumB2;
        m_sums.sumA2 += row.sumA2;
        m_sums.sumAB += row.sumAB;
        m_zeros += row.zeros;
        m_overflow += row.overflow;
    }
}

Histogram DiffStream::histogram() const {
    Histogram h;
    h.edges = edges();
    h.counts = m_hist;
    h.zeros = m_zeros;
    h.overflow = m_overflow;
    return h;
}

GroupErrorMap DiffStream::groupMap(std::int64_t maxCells) const {
    return m_groupMax.defined() ? quant::poolGroupMap(m_groupMax, maxCells) : GroupErrorMap{};
}

std::vector<WorstElement> DiffStream::worst() const {
    std::vector<WorstElement> out;
    for (const kernels::WorstCandidate& c : m_worst.sorted()) {
        out.push_back({c.index / m_cols, c.index % m_cols, c.original, c.a, c.b});
    }
    return out;
}

}  // namespace ql::checks
