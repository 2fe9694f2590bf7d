#include "verify/diff_stream.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <limits>
#include <mutex>
#include <stdexcept>

#include "cuda/cuda_dispatch.h"
#include "quant/fused_compare.h"

namespace ql::checks {
namespace {

const kernels::HistogramBins& logBins() {
    static const kernels::HistogramBins kBins(logHistogramEdges());
    return kBins;
}

const std::vector<double>& edges() {
    return logBins().edges();
}

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

// The largest divisor of `group` (a divisor of k) that is at most 4096: the CUDA compare kernel's map
// cell, whose maxima then pool into cells of `group`. 0 when there is none above 1.
std::int64_t deviceMapGroup(std::int64_t group) {
    for (std::int64_t d = std::min<std::int64_t>(group, 4096); d > 1; --d) {
        if (group % d == 0) return d;
    }
    return 0;
}

}  // namespace

DiffStream::DiffStream(std::int64_t rows, std::int64_t cols, const Options& options)
    : m_rows(rows),
      m_cols(cols),
      m_options(options),
      m_rowSums(static_cast<std::size_t>(rows)),
      m_rowAdded(static_cast<std::size_t>(rows), 0),
      m_hist(edges().size() - 1, 0),
      m_worst(static_cast<std::size_t>(std::max(0, options.worstCount))) {
    if (m_options.mapGroup > 0) {
        m_options.mapGroup = quant::effectiveMapGroup(cols, static_cast<int>(m_options.mapGroup));
        m_groupMax = at::zeros({rows, cols / m_options.mapGroup}, at::kFloat);
    }
}

void DiffStream::annotate(kernels::WorstSink& sink, std::int64_t row0, std::int64_t rows, const GroupGrid* grid) const {
    if (grid == nullptr || !grid->scale.defined() || grid->groupSize <= 0) {
        return;
    }
    const at::Tensor scale = grid->scale.to(at::kCPU, at::kFloat).contiguous().reshape({rows, -1});
    const at::Tensor zero = grid->zero.to(at::kCPU, at::kFloat).contiguous().reshape({rows, -1});
    sink.forEach([&](kernels::WorstCandidate& c) {
        const std::int64_t row = c.index / m_cols - row0, group = (c.index % m_cols) / grid->groupSize;
        if (row < 0 || row >= rows) return;
        c.hasGrid = true;
        c.gridScale = scale.data_ptr<float>()[row * scale.size(1) + group];
        c.gridZero = zero.data_ptr<float>()[row * zero.size(1) + group];
    });
}

bool DiffStream::addOnDevice(const at::Tensor& aIn, const at::Tensor& bIn, std::int64_t row0,
                             const at::Tensor& originalIn, const GroupGrid* grid) {
    const std::int64_t k = m_cols, r = aIn.numel() / k;
    const std::int64_t wanted = m_options.mapGroup > 0 ? m_options.mapGroup : k;
    const std::int64_t cell = deviceMapGroup(wanted);
    if (cell == 0 || !cuda::cudaKernelsAvailable()) {
        return false;
    }
    const at::Tensor a = aIn.reshape({r, k}).to(at::kFloat).contiguous();
    const at::Tensor b = bIn.reshape({r, k}).to(at::kFloat).contiguous();
    quant::CompareRequest request;
    request.train.quantize = request.eval.quantize = false;
    request.tolerance = m_options.tolerance;
    request.mapGroupSize = static_cast<int>(cell);
    auto result = cuda::compareInt4(a, b, request);
    if (!result) {
        throw std::runtime_error(result.error().message);
    }
    kernels::WorstSink local(static_cast<std::size_t>(std::max(0, m_options.worstCount)));
    if (m_options.worstCount > 0) {
        // torch.nan_to_num(|a - b|): NaN counts as 0, inf as the largest double (WorstSink's key).
        const at::Tensor key = at::nan_to_num((a.to(at::kDouble) - b.to(at::kDouble)).abs().reshape(-1), 0.0,
                                              std::numeric_limits<double>::max());
        const auto take = std::min<std::int64_t>(m_options.worstCount, key.numel());
        auto [values, index] = at::topk(key, take);
        const at::Tensor original = originalIn.defined() ? originalIn.reshape(-1).to(at::kFloat) : at::Tensor();
        const at::Tensor av = a.reshape(-1).index_select(0, index).cpu(),
                         bv = b.reshape(-1).index_select(0, index).cpu();
        const at::Tensor ov = original.defined() ? original.index_select(0, index).cpu() : at::Tensor();
        const at::Tensor iv = index.cpu(), kv = values.cpu();
        std::vector<kernels::WorstCandidate> found;
        for (std::int64_t i = 0; i < take; ++i) {
            kernels::WorstCandidate c;
            c.key = kv[i].item<double>();
            c.index = row0 * k + iv[i].item<std::int64_t>();
            c.a = av[i].item<float>();
            c.b = bv[i].item<float>();
            c.original = ov.defined() ? ov[i].item<float>() : 0.0f;
            found.push_back(c);
        }
        std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.index < y.index; });
        for (const auto& c : found) local.offer(c);
        annotate(local, row0, r, grid);
    }
    std::lock_guard<std::mutex> lock(*m_mutex);
    m_deviceSums.merge(result->diff);
    if (m_options.histogram) {
        for (std::size_t i = 0; i < m_hist.size(); ++i) m_hist[i] += result->absDiff.counts[i];
    }
    m_deviceZeros += result->absDiff.zeros;
    m_deviceOverflow += result->absDiff.overflow;
    if (m_groupMax.defined()) {
        const at::Tensor cells = result->groupMaxAbs.view({r, k / wanted, wanted / cell}).amax(-1);
        m_groupMax.narrow(0, row0, r).copy_(cells.to(at::kCPU));
    }
    m_worst.merge(local);
    return true;
}

void DiffStream::add(const at::Tensor& aIn, const at::Tensor& bIn, std::int64_t row0, const at::Tensor& originalIn,
                     const GroupGrid* grid) {
    const std::int64_t r = aIn.numel() / std::max<std::int64_t>(1, m_cols), k = m_cols;
    if (r == 0 || k == 0) {
        return;
    }
    if (aIn.is_cuda() && addOnDevice(aIn, bIn, row0, originalIn, grid)) {
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
    const kernels::RowValues va = rowValues(a), vb = rowValues(b), vo = rowValues(original);
    float* map = m_groupMax.defined() ? m_groupMax.data_ptr<float>() : nullptr;
    const std::int64_t mapCols = m_groupMax.defined() ? m_groupMax.size(1) : 0;
    at::parallel_for(0, r, std::max<std::int64_t>(1, 32768 / k), [&](std::int64_t begin, std::int64_t end) {
        std::vector<std::uint64_t> hist(m_hist.size(), 0);
        kernels::WorstSink worst(static_cast<std::size_t>(std::max(0, m_options.worstCount)));
        for (std::int64_t i = begin; i < end; ++i) {
            const auto row = static_cast<std::size_t>(row0 + i);
            m_rowSums[row] = kernels::RowDiff{};
            kernels::diffRow(va.offset(i * k), vb.offset(i * k), vo.offset(i * k), k, row0 + i, params, m_rowSums[row],
                             hist.data(), map ? map + (row0 + i) * mapCols : nullptr, worst);
            m_rowAdded[row] = 1;
        }
        annotate(worst, row0, r, grid);
        std::lock_guard<std::mutex> lock(*m_mutex);
        for (std::size_t j = 0; j < hist.size(); ++j) {
            m_hist[j] += hist[j];
        }
        m_worst.merge(worst);
    });
}

DiffAccumulator DiffStream::sums() const {
    DiffAccumulator s;
    for (std::size_t row = 0; row < m_rowSums.size(); ++row) {
        if (!m_rowAdded[row]) continue;
        const kernels::RowDiff& d = m_rowSums[row];
        s.total += static_cast<std::uint64_t>(m_cols);
        s.differing += d.differing;
        s.outOfTolerance += d.outOfTolerance;
        s.nonFinite += d.nonFinite;
        s.maxAbs = std::max(s.maxAbs, d.maxAbs);
        s.sumAbs += d.sumAbs;
        s.sumSq += d.sumSq;
        s.sumB2 += d.sumB2;
        s.sumA2 += d.sumA2;
        s.sumAB += d.sumAB;
    }
    std::lock_guard<std::mutex> lock(*m_mutex);
    s.merge(m_deviceSums);
    return s;
}

Histogram DiffStream::histogram() const {
    Histogram h;
    h.edges = edges();
    std::lock_guard<std::mutex> lock(*m_mutex);
    h.counts = m_hist;
    h.zeros = m_deviceZeros;
    h.overflow = m_deviceOverflow;
    for (std::size_t row = 0; row < m_rowSums.size(); ++row) {
        if (!m_rowAdded[row]) continue;
        h.zeros += m_rowSums[row].zeros;
        h.overflow += m_rowSums[row].overflow;
    }
    return h;
}

GroupErrorMap DiffStream::groupMap(std::int64_t maxCells) const {
    return m_groupMax.defined() ? quant::poolGroupMap(m_groupMax, maxCells) : GroupErrorMap{};
}

std::vector<WorstElement> DiffStream::worst() const {
    std::lock_guard<std::mutex> lock(*m_mutex);
    std::vector<WorstElement> out;
    for (const kernels::WorstCandidate& c : m_worst.sorted()) {
        out.push_back({c.index / m_cols, c.index % m_cols, c.original, c.a, c.b});
    }
    return out;
}

std::optional<std::pair<double, double>> DiffStream::worstGrid() const {
    std::lock_guard<std::mutex> lock(*m_mutex);
    const auto sorted = m_worst.sorted();
    if (sorted.empty() || !sorted.front().hasGrid) {
        return std::nullopt;
    }
    return std::make_pair(static_cast<double>(sorted.front().gridScale), static_cast<double>(sorted.front().gridZero));
}

}  // namespace ql::checks
