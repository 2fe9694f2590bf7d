#include "verify/module_rows_builder.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>

#include "model/lora_merge.h"
#include "quant/fake_quant.h"
#include "quant/int4_convert.h"
#include "quant/int4_kernels.h"
#include "quant/intx_float8_convert.h"
#include "quant/lora_kernels.h"
#include "verify/dense_map.h"

namespace ql::checks {
namespace {

using quant::FakeQuantSpec;
namespace qk = quant::kernels;

constexpr std::int64_t kGrain = 1 << 15;  // elements per parallel chunk of the row kernels

bool cudaDivision(const FakeQuantSpec& s) {
    return s.device == quant::DeviceSemantics::Cuda;
}

bool sameInt4(const FakeQuantSpec& a, const FakeQuantSpec& b) {
    return a.kind == quant::FqKind::Int4Plain && b.kind == quant::FqKind::Int4Plain && a.groupSize == b.groupSize &&
           a.device == b.device;
}

std::uint64_t countNe(const at::Tensor& a, const at::Tensor& b) {
    return static_cast<std::uint64_t>(a.ne(b).sum().item<std::int64_t>());
}

// Groups whose fp32 value changes when stored in `dtype` (Int4Tensor keeps scale / zero in the weight dtype).
std::uint64_t roundedIn(const at::Tensor& values, at::ScalarType dtype) {
    return countNe(values.to(dtype).to(at::kFloat), values);
}

const std::uint16_t* bf16Data(const at::Tensor& t) {
    return static_cast<const std::uint16_t*>(t.data_ptr());
}
std::uint16_t* bf16Data(at::Tensor& t) {
    return static_cast<std::uint16_t*>(t.data_ptr());
}

// Runs fn(begin, end) over [0, n) element ranges aligned to `align` (whole groups / rows).
template <typename Fn>
void parallelAligned(std::int64_t n, std::int64_t align, Fn fn) {
    const std::int64_t units = n / align;
    at::parallel_for(0, units, std::max<std::int64_t>(1, kGrain / align),
                     [&](std::int64_t b, std::int64_t e) { fn(b * align, e * align); });
}

at::Tensor loraDeltaRows(const model::LoraFactors& lora, std::int64_t row0, std::int64_t n) {
    const at::Tensor b = lora.b.narrow(0, row0, n).contiguous();
    const at::Tensor a = lora.a.contiguous();
    const std::int64_t r = a.size(0), k = a.size(1);
    at::Tensor out = at::empty({n, k}, a.options());
    const float scaling = static_cast<float>(lora.scaling);
    at::parallel_for(0, n, std::max<std::int64_t>(1, kGrain / k), [&](std::int64_t s, std::int64_t e) {
        qk::loraDeltaRows(b.data_ptr<float>() + s * r, a.data_ptr<float>(), out.data_ptr<float>() + s * k, e - s, r, k,
                          scaling);
    });
    return out;
}

at::Tensor mergedRows(const at::Tensor& w, const at::Tensor& delta) {
    at::Tensor out = at::empty_like(w);
    const std::uint16_t* in = bf16Data(w);
    std::uint16_t* o = bf16Data(out);
    const float* d = delta.data_ptr<float>();
    parallelAligned(w.numel(), w.size(1),
                    [&](std::int64_t b, std::int64_t e) { qk::mergeIntoBf16(in + b, d + b, o + b, e - b); });
    return out;
}

at::Tensor plusDelta(const at::Tensor& fq, const at::Tensor& delta) {
    at::Tensor out = at::empty(fq.sizes(), fq.options().dtype(at::kFloat));
    const std::uint16_t* in = bf16Data(fq);
    const float* d = delta.data_ptr<float>();
    float* o = out.data_ptr<float>();
    parallelAligned(fq.numel(), fq.size(1),
                    [&](std::int64_t b, std::int64_t e) { qk::addDeltaBf16(in + b, d + b, o + b, e - b); });
    return out;
}

// The int4 fake quant of a block with each group's scale and zero, and in the same kernel pass what
// else is asked for: the deployed kernel's dequant of the codes (scale / zero rounded to bf16), the
// fake quant as fp32 values, the fake quant plus an fp32 LoRA delta (a side's dense map).
struct Int4Rows {
    at::Tensor fake, scale, zero, dequant, fakeF32, plusDelta;
};

struct Int4Request {
    bool dequant = false;
    bool fakeF32 = false;
    int plusAdapter = -1;  // add the delta of this adapter id (-1: none)
};

Int4Rows int4Rows(const at::Tensor& w, const FakeQuantSpec& spec, const Int4Request& want, const at::Tensor& delta) {
    const std::int64_t g = spec.groupSize, groups = w.numel() / g;
    const auto f32 = w.options().dtype(at::kFloat);
    Int4Rows r;
    r.fake = at::empty_like(w);
    r.scale = at::empty({w.size(0), w.size(1) / g}, f32);
    r.zero = at::empty({w.size(0), w.size(1) / g}, f32);
    if (want.dequant) r.dequant = at::empty(w.sizes(), f32);
    if (want.fakeF32) r.fakeF32 = at::empty(w.sizes(), f32);
    if (want.plusAdapter >= 0) r.plusDelta = at::empty(w.sizes(), f32);
    auto ptr = [](at::Tensor& t) { return t.defined() ? t.data_ptr<float>() : nullptr; };
    qk::Int4RowOutputs out;
    out.fake = bf16Data(r.fake);
    out.scale = ptr(r.scale), out.zero = ptr(r.zero), out.dequant = ptr(r.dequant), out.fakeF32 = ptr(r.fakeF32);
    out.plusDelta = ptr(r.plusDelta);
    out.delta = want.plusAdapter >= 0 ? delta.data_ptr<float>() : nullptr;
    const std::uint16_t* in = bf16Data(w);
    const bool cuda = cudaDivision(spec);
    at::parallel_for(0, groups, std::max<std::int64_t>(1, kGrain / g), [&](std::int64_t b, std::int64_t e) {
        qk::Int4RowOutputs part = out;  // the groups [b, e): element offset b·g, group offset b
        part.fake += b * g;
        part.scale += b, part.zero += b;
        if (part.dequant) part.dequant += b * g;
        if (part.fakeF32) part.fakeF32 += b * g;
        if (part.plusDelta) part.plusDelta += b * g, part.delta += b * g;
        qk::int4FakeQuantRowsBf16(in + b * g, part, e - b, g, cuda);
    });
    return r;
}

// A source of rows: the base weight of a side (adapter < 0) or that base merged with an adapter.
struct SourceKey {
    int base = 0;
    int adapter = -1;
    auto tie() const { return std::tie(base, adapter); }
    bool operator<(const SourceKey& o) const { return tie() < o.tie(); }
    bool operator==(const SourceKey& o) const { return tie() == o.tie(); }
};

}  // namespace

// What one row block derived so far, so that sides, deployments and check 6 share every product.
struct ModuleRowsBuilder::Memo {
    std::map<int, at::Tensor> deltas;                                   // by adapter
    std::map<SourceKey, at::Tensor> merged;                             // by (base, adapter)
    std::map<std::tuple<SourceKey, int, bool>, Int4Request> wants;      // what each fake quant is asked for
    std::map<std::tuple<SourceKey, int, bool>, Int4Rows> fakes;         // by (source, group, cuda division)
    std::map<std::tuple<SourceKey, int, bool>, at::Tensor> effectives;  // fake + another adapter's delta
};

bool LoraDeltaCheck::rowKernelExact(Track side, const model::LoraFactors& lora) {
    if (std::find(m_failed.begin(), m_failed.end(), side) != m_failed.end()) {
        return false;
    }
    const auto key = std::make_tuple(side, lora.b.size(0), lora.a.size(0), lora.a.size(1));
    auto it = m_verdict.find(key);
    if (it != m_verdict.end()) {
        return it->second;
    }
    const bool exact = lora.a.scalar_type() == at::kFloat && lora.b.scalar_type() == at::kFloat && lora.a.is_cpu() &&
                       at::equal(loraDeltaRows(lora, 0, lora.b.size(0)), model::loraDelta(lora));
    m_verdict[key] = exact;
    if (!exact) {
        m_failed.push_back(side);
    }
    return exact;
}

namespace {

// Whether fake quant of rows [r0, r0 + n) equals rows of the fake quant of the whole weight.
bool rowLocal(const std::optional<quant::LinearFakeQuant>& q) {
    if (q && q->weight.kind == quant::FqKind::Nvfp4) {
        return !q->weight.perTensorScale;  // the per-tensor scale reads the amax of the whole weight
    }
    return !q || q->weight.kind != quant::FqKind::Float8 || q->weight.perRow;
}

// The eval side reads the same parameter tensors as the train side: one checkpoint mapping (or one
// copy on the device), no adapter replacement of this module's weight or bias on either side.
bool sharesBase(const Side& train, const Side& eval, const model::ModuleRef& m) {
    const model::LayerLoader& a = train.lm->loader();
    const model::LayerLoader& b = eval.lm->loader();
    auto replaced = [&](const model::LayerLoader& l) {
        return l.adapter() && (l.adapter()->replaces(m.name + ".weight") || l.adapter()->replaces(m.name + ".bias"));
    };
    return &a.store() == &b.store() && train.run.dtype == eval.run.dtype && train.run.device == eval.run.device &&
           !replaced(a) && !replaced(b);
}

Result<model::LinearSlot> loadSlot(const Side& side, const model::ModuleRef& m, const model::LinearSlot* sameBase) {
    if (!sameBase) {
        return side.lm->loader().slot(m.name, m.hasBias, side.run);
    }
    model::LinearSlot s;
    s.name = m.name;
    s.weight = sameBase->weight;
    s.bias = sameBase->bias;
    if (const model::AdapterWeights* adapter = side.lm->loader().adapter()) {
        auto lora = adapter->factors(m.name, side.run.device);
        if (!lora) return lora.error();
        s.lora = std::move(*lora);
    }
    return s;
}

model::LinearSlot sliceSlot(const model::LinearSlot& slot, std::int64_t r0, std::int64_t n) {
    model::LinearSlot s;
    s.name = slot.name;
    s.weight = slot.weight.narrow(0, r0, n);
    if (slot.bias) s.bias = slot.bias->narrow(0, r0, n);
    return s;  // only sliced without LoRA factors
}

// Blocks of the prepared path on a CUDA device: large, the device has the memory and bandwidth.
constexpr std::int64_t kDeviceBlockElements = std::int64_t{1} << 26;

// Rows per block: a multiple of kBlockRowAlign near blockElements / cols. The matrix products of the
// forwards and of check 6 then see the same column chunks however a module is split: BLAS fp32 GEMMs
// give every output element the same bits for blocks of a multiple of 16 rows, and not for other sizes
// (MKL's remainder kernel; measured on LLM shapes with N blocks of 85 and 102 rows).
constexpr std::int64_t kBlockRowAlign = 64;

std::int64_t blockRowsFor(std::int64_t blockElements, std::int64_t rows, std::int64_t cols) {
    const std::int64_t wanted = blockElements / std::max<std::int64_t>(1, cols) / kBlockRowAlign * kBlockRowAlign;
    return std::min(rows, std::max(kBlockRowAlign, wanted));
}

}  // namespace

Result<ModuleRowsBuilder> ModuleRowsBuilder::start(const WalkPlan& plan, const model::ModuleRef& module,
                                                   LoraDeltaCheck& deltaCheck) {
    ModuleRowsBuilder b;
    b.m_plan = &plan;
    b.m_module = module;
    bool kernels = plan.blockElements > 0;
    bool anyLora = false, rowLocalSpecs = true;
    std::vector<std::pair<Track, const Side*>> sides{{Track::Train, plan.train}, {Track::Eval, plan.eval}};
    for (const Side* v : plan.variants) sides.emplace_back(Track::Eval, v);  // a variant has eval's adapter
    b.m_sides.reserve(sides.size());  // slots below point at earlier slots' tensors
    for (std::size_t i = 0; i < sides.size(); ++i) {
        const auto [t, sidePtr] = sides[i];
        const Side& side = *sidePtr;
        const SideSlot* shareWith = nullptr;
        if (i == 1 && sharesBase(*plan.train, side, module)) shareWith = &b.m_sides[0];
        if (i >= 2) {
            shareWith = sharesBase(*plan.eval, side, module)    ? &b.m_sides[1]
                        : sharesBase(*plan.train, side, module) ? &b.m_sides[0]
                                                                : nullptr;
        }
        auto slot = loadSlot(side, module, shareWith ? &shareWith->slot : nullptr);
        if (!slot) {
            return makeError(slot.error().code, side.label + ": " + slot.error().message);
        }
        SideSlot s;
        s.track = t;
        s.side = &side;
        s.variant = i >= 2 ? static_cast<int>(i - 2) : -1;
        s.slot = std::move(*slot);
        s.quantized = side.quantizes(module);
        const LinearForm form = side.run.module(module).form;
        s.merges = s.slot.lora && form == LinearForm::M;
        s.unmergedLora = s.slot.lora && !s.merges;
        anyLora = anyLora || s.slot.lora.has_value();
        rowLocalSpecs = rowLocalSpecs && rowLocal(side.run.form.quant);
        const at::Tensor& w = s.slot.weight;
        kernels = kernels && side.run.device.is_cpu() && w.is_cpu() && w.scalar_type() == at::kBFloat16 &&
                  w.is_contiguous() && form != LinearForm::TPrime;
        if (s.quantized) {
            const FakeQuantSpec& spec = side.run.form.quant->weight;
            kernels = kernels && spec.kind == quant::FqKind::Int4Plain && !side.run.form.quant->hasActivation &&
                      w.size(1) % spec.groupSize == 0;
        }
        if (s.slot.lora) {
            const model::LoraFactors& l = *s.slot.lora;
            kernels = kernels && !l.magnitude && !l.fanInFanOut && !l.bBias && deltaCheck.rowKernelExact(t, l);
        }
        b.m_sides.push_back(std::move(s));
    }
    for (const DeploymentPlan& d : plan.deployments) {
        kernels = kernels && !d.intx && !d.blockFormat;
    }
    if (plan.merge) {
        kernels = kernels && plan.merge->spec.kind == quant::FqKind::Int4Plain;
    }
    const SideSlot& train = b.m_sides[0];
    const SideSlot& eval = b.m_sides[1];
    for (const SideSlot& s : b.m_sides) {
        if (!train.slot.weight.sizes().equals(s.slot.weight.sizes()) || s.slot.weight.dim() != 2) {
            return makeError(ErrorCode::InvalidInput,
                             module.name + ": train and " + s.side->label + " weights differ in shape");
        }
    }
    b.assignSourceIds();
    b.m_rows = eval.slot.weight.size(0);
    b.m_cols = eval.slot.weight.size(1);
    b.m_kernelPath = kernels;
    std::int64_t blockElements = 0;
    if (kernels) {
        blockElements = plan.blockElements;
    } else if (!anyLora && rowLocalSpecs && plan.blockElements > 0) {
        blockElements =
            eval.slot.weight.is_cuda() ? std::max(plan.blockElements, kDeviceBlockElements) : plan.blockElements;
    }
    b.m_blockRows = blockElements > 0 ? blockRowsFor(blockElements, b.m_rows, b.m_cols) : b.m_rows;
    return b;
}

namespace {

bool sameAdapterFolder(const Recipe& a, const Recipe& b) {
    std::error_code ec;
    return a.adapter && b.adapter && std::filesystem::equivalent(a.adapter->path, b.adapter->path, ec) && !ec;
}

}  // namespace

// Slots that read the same mapped base weight (in the same dtype) share a base id, slots whose
// adapters are the same folder share an adapter id: the memo then computes each product once.
void ModuleRowsBuilder::assignSourceIds() {
    for (std::size_t i = 0; i < m_sides.size(); ++i) {
        SideSlot& s = m_sides[i];
        s.baseId = static_cast<int>(i);
        s.adapterId = static_cast<int>(i);
        for (std::size_t j = 0; j < i; ++j) {
            const SideSlot& o = m_sides[j];
            if (o.slot.weight.data_ptr() == s.slot.weight.data_ptr() &&
                o.slot.weight.scalar_type() == s.slot.weight.scalar_type()) {
                s.baseId = o.baseId;
                break;
            }
        }
        for (std::size_t j = 0; j < i && s.slot.lora; ++j) {
            const SideSlot& o = m_sides[j];
            if (o.slot.lora && sameAdapterFolder(*o.side->recipe, *s.side->recipe)) {
                s.adapterId = o.adapterId;
                break;
            }
        }
    }
}

SideRows& ModuleRowsBuilder::slotRows(ModuleRows& rows, const SideSlot& s) {
    if (s.variant >= 0) return rows.variants[static_cast<std::size_t>(s.variant)];
    return s.track == Track::Train ? rows.train : rows.eval;
}

const SideRows& ModuleRowsBuilder::slotRows(const ModuleRows& rows, const SideSlot& s) {
    if (s.variant >= 0) return rows.variants[static_cast<std::size_t>(s.variant)];
    return s.track == Track::Train ? rows.train : rows.eval;
}

Result<ModuleRows> ModuleRowsBuilder::rows(std::int64_t row0, std::int64_t n) {
    return m_kernelPath ? kernelRows(row0, n) : preparedRows(row0, n);
}

// ---- the kernel path -------------------------------------------------------------------------

Result<ModuleRows> ModuleRowsBuilder::kernelRows(std::int64_t row0, std::int64_t n) {
    Memo memo;
    const SideSlot& eval = m_sides[1];
    auto baseId = [](const SideSlot& s) { return s.baseId; };
    auto adapterId = [](const SideSlot& s) { return s.adapterId; };
    auto weight = [&](const SideSlot& s) { return s.slot.weight.narrow(0, row0, n); };
    auto delta = [&](const SideSlot& s) -> const at::Tensor& {
        at::Tensor& d = memo.deltas[adapterId(s)];
        if (!d.defined()) d = loraDeltaRows(*s.slot.lora, row0, n);
        return d;
    };
    auto merged = [&](const SideSlot& s) -> const at::Tensor& {
        at::Tensor& m = memo.merged[{baseId(s), adapterId(s)}];
        if (!m.defined()) m = mergedRows(weight(s), delta(s));
        return m;
    };
    // A module the side's adapter does not touch has no merge: its source is the base weight.
    auto source = [&](const SideSlot& s, bool merge) { return merge && s.slot.lora ? merged(s) : weight(s); };
    auto key = [&](const SideSlot& s, bool merge, const FakeQuantSpec& spec) {
        return std::make_tuple(SourceKey{baseId(s), merge && s.slot.lora ? adapterId(s) : -1}, spec.groupSize,
                               cudaDivision(spec));
    };
    auto want = [&](const SideSlot& s, bool merge, const FakeQuantSpec& spec) -> Int4Request& {
        return memo.wants[key(s, merge, spec)];
    };
    std::map<int, const SideSlot*> plusSide;  // the side whose delta each adapter id stands for
    for (const SideSlot& s : m_sides) {
        if (s.slot.lora && !plusSide.contains(adapterId(s))) plusSide[adapterId(s)] = &s;
    }
    auto fake = [&](const SideSlot& s, bool merge, const FakeQuantSpec& spec) -> const Int4Rows& {
        const auto k = key(s, merge, spec);
        auto it = memo.fakes.find(k);
        if (it == memo.fakes.end()) {
            const Int4Request& w = memo.wants[k];
            const at::Tensor d = w.plusAdapter >= 0 ? delta(*plusSide.at(w.plusAdapter)) : at::Tensor();
            it = memo.fakes.emplace(k, int4Rows(source(s, merge), spec, w, d)).first;
        }
        return it->second;
    };
    // FQ(W) + s·BA of side s: from the fake quant's own pass when it was asked for this delta.
    auto fakePlusDelta = [&](const SideSlot& s, const FakeQuantSpec& spec) -> const at::Tensor& {
        const Int4Rows& q = fake(s, false, spec);
        if (memo.wants[key(s, false, spec)].plusAdapter == adapterId(s)) return q.plusDelta;
        at::Tensor& e = memo.effectives[key(s, false, spec)];
        if (!e.defined()) e = plusDelta(q.fake, delta(s));
        return e;
    };
    auto wantPlus = [&](const SideSlot& s, const FakeQuantSpec& spec) {
        Int4Request& w = want(s, false, spec);
        if (w.plusAdapter < 0) w.plusAdapter = adapterId(s);
    };

    // What each fake quant pass is asked for, before any runs: one kernel pass per (source, spec).
    const bool evalInt4 = eval.quantized;
    const FakeQuantSpec* evalSpec = evalInt4 ? &eval.side->run.form.quant->weight : nullptr;
    std::vector<bool> converted, shared;
    for (const DeploymentPlan& d : m_plan->deployments) {
        converted.push_back(evalInt4 && convertsModule(d, *eval.side, m_module));
        shared.push_back(converted.back() && sameInt4(d.convert, *evalSpec));
        if (shared.back()) want(eval, mergesFirst(d), d.convert).dequant = true;
    }
    for (const SideSlot& s : m_sides) {
        if (s.quantized && s.unmergedLora) wantPlus(s, s.side->run.form.quant->weight);
    }
    const SideSlot* mergeSide = m_plan->merge ? &m_sides[trackIndex(m_plan->merge->side)] : nullptr;
    if (mergeSide && mergeSide->slot.lora) {
        want(*mergeSide, true, m_plan->merge->spec).fakeF32 = true;
        wantPlus(*mergeSide, m_plan->merge->spec);
    }

    ModuleRows out;
    out.row0 = row0;
    out.rows = n;
    out.variants.resize(m_plan->variants.size());
    for (std::size_t i = 0; i < m_plan->deployments.size(); ++i) {
        const DeploymentPlan& d = m_plan->deployments[i];
        DeploymentRows r;
        r.converted = converted[i];
        if (shared[i]) {
            const Int4Rows& q = fake(eval, mergesFirst(d), d.convert);
            r.deployed = q.dequant;
            r.scalesRounded = roundedIn(q.scale, at::kBFloat16);
            r.zerosRounded = roundedIn(q.zero, at::kBFloat16);
            if (!d.compareEffective) r.codeMismatches = 0;  // the same codes by construction
        } else if (r.converted) {
            const at::Tensor src = source(eval, mergesFirst(d));
            const quant::Int4Codes real = quant::int4PlainQuantize(src, d.convert.groupSize, d.convert.device);
            r.deployed = quant::int4PlainDequantizeCodes(real, at::kBFloat16);
            r.scalesRounded = roundedIn(real.scale, at::kBFloat16);
            r.zerosRounded = roundedIn(real.zero, at::kBFloat16);
            if (!d.compareEffective) {
                r.codeMismatches =
                    countNe(quant::int4PlainCodes(src, evalSpec->groupSize, evalSpec->device), real.codes);
            }
        }
        out.deployments.push_back(std::move(r));
    }
    for (const SideSlot& s : m_sides) {
        SideRows r;
        r.quantized = s.quantized;
        r.loraUnmerged = s.unmergedLora;
        r.base = source(s, s.merges);
        if (s.slot.lora) r.delta = delta(s);
        if (s.quantized) {
            const Int4Rows& q = fake(s, s.merges, s.side->run.form.quant->weight);
            r.prepared = q.fake;
            r.groupScale = q.scale;
            r.groupZero = q.zero;
        } else {
            r.prepared = r.base;
        }
        if (s.unmergedLora) {
            r.effective =
                s.quantized ? fakePlusDelta(s, s.side->run.form.quant->weight) : plusDelta(r.prepared, r.delta);
        } else {
            r.effective = r.prepared;
        }
        slotRows(out, s) = std::move(r);
    }
    for (std::size_t i = 0; i < m_plan->deployments.size(); ++i) {
        DeploymentRows& r = out.deployments[i];
        r.reference = m_plan->deployments[i].compareEffective ? out.eval.effective : out.eval.prepared;
        if (!r.converted) r.deployed = source(eval, mergesFirst(m_plan->deployments[i]));
    }
    if (mergeSide && mergeSide->slot.lora) {
        const FakeQuantSpec& spec = m_plan->merge->spec;
        const Int4Rows& m = fake(*mergeSide, true, spec);
        MergeRows mr;
        mr.merged = m.fakeF32;
        mr.unmerged = fakePlusDelta(*mergeSide, spec);
        mr.delta = delta(*mergeSide);
        mr.scaleBase = fake(*mergeSide, false, spec).scale;
        mr.scaleMerged = m.scale;
        out.merge = std::move(mr);
    }
    return out;
}

bool ModuleRowsBuilder::mergesFirst(const DeploymentPlan& d) const {
    return d.asEvaluated ? m_sides[1].merges : d.mergeFirst;
}

bool ModuleRowsBuilder::servesLoraOnTop(const DeploymentPlan& d) const {
    return d.asEvaluated ? m_sides[1].unmergedLora : d.loraOnTop;
}

// ---- the prepared path ----------------------------------------------------------------------

Result<ModuleRows> ModuleRowsBuilder::preparedRows(std::int64_t row0, std::int64_t n) {
    const bool whole = n == m_rows;
    ModuleRows out;
    out.row0 = row0;
    out.rows = n;
    out.variants.resize(m_plan->variants.size());
    for (SideSlot& s : m_sides) {
        auto p =
            model::prepareLinear(whole ? s.slot : sliceSlot(s.slot, row0, n), s.side->formOf(m_module), s.quantized);
        if (!p) {
            return makeError(p.error().code, s.side->label + ": " + p.error().message);
        }
        SideRows r;
        r.quantized = s.quantized;
        r.loraUnmerged = s.unmergedLora;
        r.base = p->rawWeight;
        r.prepared = p->weight;
        r.effective = p->lora ? effectiveWeight(*p) : p->weight;
        if (s.slot.lora) r.delta = model::loraDelta(*s.slot.lora).to(at::kFloat);
        const auto& q = s.side->run.form.quant;
        if (s.quantized && q->weight.kind == quant::FqKind::Int4Plain && m_cols % q->weight.groupSize == 0) {
            std::tie(r.groupScale, r.groupZero) = int4ScaleZero(r.base, q->weight.groupSize, q->weight.device);
        }
        s.prepared = std::move(*p);
        slotRows(out, s) = std::move(r);
    }
    const SideSlot& eval = m_sides[1];
    const auto& evalQuant = eval.side->run.form.quant;
    for (const DeploymentPlan& d : m_plan->deployments) {
        DeploymentRows r;
        r.converted = eval.quantized && convertsModule(d, *eval.side, m_module);
        at::Tensor src = whole ? eval.slot.weight : eval.slot.weight.narrow(0, row0, n);
        if (mergesFirst(d) && eval.slot.lora) {
            src = eval.merges ? out.eval.base
                              : model::mergeLora(eval.slot.weight, eval.slot.bias, *eval.slot.lora).weight;
        }
        const at::ScalarType dtype = src.scalar_type();
        if (r.converted && d.blockFormat) {  // MXTensor / NVFP4Tensor dequantize(): the fake quant's values
            auto q = quant::fakeQuantize(src, d.convert);
            if (!q) {
                return makeError(q.error().code, "convert: " + q.error().message);
            }
            r.deployed = *q;
        } else if (r.converted && d.intx) {
            auto q = quant::intxConvert(src, d.convert.bits, d.convert.groupSize, d.convert.eps, d.convert.device);
            if (!q) {
                return makeError(q.error().code, "convert: " + q.error().message);
            }
            r.deployed = quant::intxDequantize(*q, dtype);
        } else if (r.converted) {
            const quant::Int4Codes real = quant::int4PlainQuantize(src, d.convert.groupSize, d.convert.device);
            r.deployed = quant::int4PlainDequantizeCodes(real, dtype);
            r.scalesRounded = roundedIn(real.scale, dtype);
            r.zerosRounded = roundedIn(real.zero, dtype);
            if (src.is_cuda()) {
                r.packed = quant::int4PlainPack(real, dtype);
            }
            if (!d.compareEffective) {
                const auto& f = evalQuant->weight;
                const bool same = f.groupSize == d.convert.groupSize && f.device == d.convert.device;
                r.codeMismatches = same ? 0 : countNe(quant::int4PlainCodes(src, f.groupSize, f.device), real.codes);
            }
        } else {
            r.deployed = src;
        }
        r.reference = d.compareEffective ? out.eval.effective : out.eval.prepared;
        out.deployments.push_back(std::move(r));
    }
    if (m_plan->merge) {
        const SideSlot& s = m_sides[trackIndex(m_plan->merge->side)];
        if (s.slot.lora) {
            const auto& quant = s.side->run.form.quant;
            auto unmerged = model::prepareLinear(s.slot, {LinearForm::T, quant}, true);
            auto merged = model::prepareLinear(s.slot, {LinearForm::M, quant}, true);
            if (!unmerged || !merged) {
                return unmerged ? merged.error() : unmerged.error();
            }
            MergeRows mr;
            mr.unmerged = effectiveWeight(*unmerged);
            mr.merged = effectiveWeight(*merged);
            mr.delta = model::loraDelta(*s.slot.lora).to(at::kFloat);
            const FakeQuantSpec& spec = m_plan->merge->spec;
            if (spec.kind == quant::FqKind::Int4Plain && m_cols % spec.groupSize == 0) {
                mr.scaleBase = int4ScaleZero(s.slot.weight, spec.groupSize, spec.device).first;
                mr.scaleMerged = int4ScaleZero(merged->rawWeight, spec.groupSize, spec.device).first;
            }
            out.merge = std::move(mr);
        }
    }
    return out;
}

// ---- the forwards' blocks -----------------------------------------------------------------------

namespace {

std::optional<at::Tensor> rowsOf(const std::optional<at::Tensor>& t, std::int64_t row0, std::int64_t n, bool whole) {
    if (!t) return std::nullopt;
    return whole ? *t : t->narrow(0, row0, n);
}

model::LoraFactors loraRows(const model::LoraFactors& lora, std::int64_t row0, std::int64_t n, bool whole) {
    model::LoraFactors f = lora;
    if (!whole) {
        f.b = lora.b.narrow(0, row0, n);
        f.bBias = rowsOf(lora.bBias, row0, n, whole);
        f.magnitude = rowsOf(lora.magnitude, row0, n, whole);
    }
    return f;
}

}  // namespace

model::BlockLinear ModuleRowsBuilder::sideBlock(const SideSlot& s, const SideRows& r, const ModuleRows& rows) const {
    if (s.prepared) {
        return {rows.row0, *s.prepared};
    }
    model::PreparedLinear p;
    p.name = m_module.name;
    p.form = s.side->run.module(m_module).form;
    p.quantized = s.quantized;
    p.weight = r.prepared;
    p.rawWeight = r.base;
    p.bias = rowsOf(s.slot.bias, rows.row0, rows.rows, false);
    if (s.unmergedLora) {
        p.lora = loraRows(*s.slot.lora, rows.row0, rows.rows, false);
    }
    return {rows.row0, std::move(p)};
}

model::BlockLinear ModuleRowsBuilder::deploymentBlock(std::size_t d, const ModuleRows& rows) const {
    const DeploymentPlan& plan = m_plan->deployments[d];
    const DeploymentRows& r = rows.deployments[d];
    const SideSlot& eval = m_sides[1];
    const bool whole = rows.rows == m_rows;
    model::PreparedLinear p;
    p.name = m_module.name;
    p.form = mergesFirst(plan) ? LinearForm::QM : LinearForm::Q;
    p.quantized = r.converted;
    p.rawWeight = r.deployed;
    if (r.packed) {
        p.int4 = *r.packed;
    } else if (r.converted && !plan.intx && !plan.blockFormat) {
        p.kernelWeight = r.deployed;
    } else {
        p.weight = r.deployed;
    }
    p.bias = rowsOf(eval.slot.bias, rows.row0, rows.rows, whole);
    if (eval.slot.lora && mergesFirst(plan) && eval.slot.lora->bBias && p.bias) {
        p.bias = model::mergeLora(eval.slot.weight, eval.slot.bias, *eval.slot.lora).bias;
    }
    if (servesLoraOnTop(plan) && eval.slot.lora) {
        p.lora = loraRows(*eval.slot.lora, rows.row0, rows.rows, whole);
    }
    const auto& quant = eval.side->run.form.quant;
    if (r.converted && (plan.intx || plan.blockFormat) && quant && quant->hasActivation) {
        p.activation = quant->activation;
    }
    return {rows.row0, std::move(p)};
}

std::vector<model::BlockLinear> ModuleRowsBuilder::trackBlocks(const ModuleRows& rows) const {
    std::vector<model::BlockLinear> blocks;
    blocks.push_back(sideBlock(m_sides[0], rows.train, rows));
    blocks.push_back(sideBlock(m_sides[1], rows.eval, rows));
    for (std::size_t d = 0; d < m_plan->deployments.size(); ++d) {
        blocks.push_back(deploymentBlock(d, rows));
    }
    for (std::size_t v = 2; v < m_sides.size(); ++v) {
        blocks.push_back(sideBlock(m_sides[v], slotRows(rows, m_sides[v]), rows));
    }
    return blocks;
}

}  // namespace ql::checks
