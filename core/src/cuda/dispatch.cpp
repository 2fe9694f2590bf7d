// CUDA build of cuda/cuda_dispatch.h: argument checks, tile choice and result assembly around the
// kernels of fused_compare.cu and int4_matmul.cu. Never throws: libtorch/CUDA errors become Internal.
#include <algorithm>
#include <numeric>
#include <string>

#include "cuda/cuda_dispatch.h"
#include "cuda/cuda_kernels.h"
#include "quant/fake_quant.h"

namespace ql::cuda {
namespace {

using quant::DeviceSemantics;

constexpr std::int64_t kMaxTile = 4096;     // shared-memory bound of one block's row tile (fp32 per side)
constexpr std::int64_t kTargetTile = 2048;  // grow small tiles up to this for fewer, fuller blocks

Error internal(const char* what, const std::exception& e) {
    return makeError(ErrorCode::Internal, std::string(what) + ": CUDA/libtorch error: " + e.what());
}

// Largest multiple of `base` that divides k and is <= max(base, kTargetTile).
int chooseTile(std::int64_t base, std::int64_t k) {
    for (std::int64_t m = std::max<std::int64_t>(1, kTargetTile / base); m > 1; --m) {
        if (k % (base * m) == 0) return static_cast<int>(base * m);
    }
    return static_cast<int>(base);
}

detail::SideParams sideParams(const quant::Int4Side& s) {
    return {s.quantize, s.groupSize, s.device == DeviceSemantics::Cuda};
}

detail::CompareParams compareParams(const quant::CompareRequest& r, std::int64_t k, std::int64_t base) {
    detail::CompareParams p;
    p.train = sideParams(r.train);
    p.eval = sideParams(r.eval);
    p.mapGroup = static_cast<int>(quant::effectiveMapGroup(k, r.mapGroupSize));
    p.tile = chooseTile(base, k);
    p.atol = r.tolerance.atol;
    p.rtol = r.tolerance.rtol;
    const auto edges = checks::logHistogramEdges();
    std::copy(edges.begin(), edges.end(), p.edges);
    return p;
}

// lcm of the quantized sides' groups and the map group.
std::int64_t tileBase(const quant::CompareRequest& r, std::int64_t k) {
    std::int64_t base = quant::effectiveMapGroup(k, r.mapGroupSize);
    for (const auto* s : {&r.train, &r.eval}) {
        if (s->quantize) base = std::lcm(base, static_cast<std::int64_t>(s->groupSize));
    }
    return base;
}

void fillResult(const detail::CompareOutputs& out, std::int64_t total, quant::CompareResult& r) {
    at::Tensor partials = out.partials.cpu();
    const auto acc = partials.accessor<double, 2>();
    double sums[detail::kStatCount] = {};
    for (std::int64_t b = 0; b < partials.size(0); ++b) {  // fixed order: deterministic
        for (int s = 0; s < detail::kStatCount; ++s) {
            sums[s] = s == detail::kMaxAbs ? std::max(sums[s], acc[b][s]) : sums[s] + acc[b][s];
        }
    }
    checks::DiffAccumulator& d = r.diff;
    d.total = static_cast<std::uint64_t>(total);
    d.differing = static_cast<std::uint64_t>(sums[detail::kDiffering]);
    d.outOfTolerance = static_cast<std::uint64_t>(sums[detail::kOutOfTol]);
    d.nonFinite = static_cast<std::uint64_t>(sums[detail::kNonFinite]);
    d.maxAbs = sums[detail::kMaxAbs];
    d.sumAbs = sums[detail::kSumAbs];
    d.sumSq = sums[detail::kSumSq];
    d.sumA2 = sums[detail::kSumA2];
    d.sumB2 = sums[detail::kSumB2];
    d.sumAB = sums[detail::kSumAB];
    at::Tensor hist = out.hist.cpu();
    const auto h = hist.accessor<std::int64_t, 1>();
    r.absDiff.edges = checks::logHistogramEdges();
    const int bins = detail::kHistEdges - 1;
    for (int i = 0; i < bins; ++i) r.absDiff.counts.push_back(static_cast<std::uint64_t>(h[i]));
    r.absDiff.zeros = static_cast<std::uint64_t>(h[bins]);
    r.absDiff.overflow = static_cast<std::uint64_t>(h[bins + 1]);
    r.groupMaxAbs = out.groupMax;
}

quant::CompareResult runCompare(const at::Tensor& a, const at::Tensor& b, const quant::CompareRequest& request,
                                std::int64_t base) {
    const std::int64_t n = a.size(0), k = a.size(1);
    const detail::CompareParams params = compareParams(request, k, base);
    detail::CompareOutputs out;
    const int grid = detail::compareGridSize(a.numel() / params.tile);
    const auto opts = a.options();
    out.partials = at::zeros({grid, detail::kStatCount}, opts.dtype(at::kDouble));
    out.hist = at::zeros({detail::kHistEdges + 1}, opts.dtype(at::kLong));
    out.groupMax = at::empty({n, k / params.mapGroup}, opts.dtype(at::kFloat));
    if (request.keepOutputs) {
        out.outTrain = at::empty_like(a);
        out.outEval = at::empty_like(b);
    }
    detail::launchFusedCompare(a, b, params, out);
    quant::CompareResult r;
    fillResult(out, a.numel(), r);
    r.train = out.outTrain;
    r.eval = out.outEval;
    return r;
}

Status requireCuda(const at::Tensor& t, const std::string& what) {
    if (!t.is_cuda()) {
        return makeError(ErrorCode::InvalidInput, what + ": expected a CUDA tensor, got one on " + t.device().str());
    }
    return Ok{};
}

}  // namespace

bool cudaKernelsAvailable() {
    return at::hasCUDA();
}

Result<quant::CompareResult> fusedInt4Compare(const at::Tensor& train, const at::Tensor& eval,
                                              const quant::CompareRequest& request) {
    if (auto ok = quant::checkCompareInputs(train, eval, request); !ok) return ok.error();
    if (auto ok = requireCuda(train, "fused weight compare"); !ok) return ok.error();
    const std::int64_t base = tileBase(request, train.size(1));
    if (base > kMaxTile) {
        return quant::compareInt4Aten(train, eval, request);
    }
    try {
        const at::Tensor a = train.contiguous();
        const at::Tensor b = eval.is_same(train) ? a : eval.contiguous();
        return runCompare(a, b, request, base);
    } catch (const std::exception& e) {
        return internal("fused weight compare", e);
    }
}

Result<at::Tensor> int4FakeQuantCuda(const at::Tensor& w, int groupSize, DeviceSemantics device) {
    quant::CompareRequest request;
    request.train = {true, groupSize, device};
    if (auto ok = quant::checkCompareInputs(w, w, request); !ok) return ok.error();
    if (auto ok = requireCuda(w, "int4 fake quant"); !ok) return ok.error();
    try {
        if (groupSize > kMaxTile) {
            return quant::int4FakeQuantAten(w, groupSize, device);
        }
        const at::Tensor x = w.contiguous();
        at::Tensor out = at::empty_like(x);
        detail::launchInt4FakeQuant(x, sideParams(request.train), chooseTile(groupSize, x.size(1)), out);
        return out;
    } catch (const std::exception& e) {
        return internal("int4 fake quant", e);
    }
}

}  // namespace ql::cuda
