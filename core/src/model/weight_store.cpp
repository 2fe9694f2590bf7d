#include "model/weight_store.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

#include "torch/torch_bridge.h"

namespace ql::model {

WeightStore::WeightStore(ModelConfig config, Checkpoint checkpoint)
    : m_config(std::move(config)), m_checkpoint(std::move(checkpoint)) {}

Result<std::shared_ptr<const WeightStore>> WeightStore::open(const std::filesystem::path& dir) {
    auto config = loadModelConfig(dir);
    if (!config) {
        return config.error();
    }
    auto checkpoint = Checkpoint::open(dir);
    if (!checkpoint) {
        return checkpoint.error();
    }
    for (const TensorView& view : checkpoint->tensors()) {
        if (view.info->name.find(":qdata") != std::string::npos) {
            return makeError(ErrorCode::Unsupported,
                             dir.string() + ": tensor " + view.info->name +
                                 " is torchao-quantized; the forward pass needs a float checkpoint");
        }
    }
    if (auto valid = validateCheckpointAgainstConfig(*checkpoint, *config); !valid) {
        return valid.error();
    }
    return std::shared_ptr<const WeightStore>(new WeightStore(std::move(*config), std::move(*checkpoint)));
}

Result<at::Tensor> WeightStore::raw(const std::string& name) const {
    auto view = m_checkpoint.find(name);
    if (!view) {
        return makeError(ErrorCode::NotFound, m_checkpoint.directory().string() + ": tensor " + name + " is missing");
    }
    auto type = torchbridge::scalarType(view->info->dtype);
    if (!type) {
        return makeError(type.error().code, "tensor " + name + ": " + type.error().message);
    }
    const auto address = reinterpret_cast<std::uintptr_t>(view->bytes.data());
    const auto elementSize = static_cast<std::uintptr_t>(c10::elementSize(*type));
    if (view->bytes.empty() || address % elementSize != 0) {
        return torchbridge::copyToTensor(*view);
    }
    // from_blob needs a non-const pointer; the tensor is only ever read (contract above).
    void* data = const_cast<std::byte*>(view->bytes.data());
    return at::from_blob(data, view->info->shape, at::TensorOptions().dtype(*type));
}

Result<at::Tensor> WeightStore::load(const std::string& name, at::ScalarType dtype, const at::Device& device) const {
    auto tensor = raw(name);
    if (!tensor) {
        return tensor.error();
    }
    if (!tensor->is_floating_point()) {
        return makeError(ErrorCode::InvalidInput, "tensor " + name + ": expected a floating-point weight, found " +
                                                      std::string(c10::toString(tensor->scalar_type())));
    }
    return tensor->to(device, dtype);
}

namespace {

enum class Rounding { Inward, Outward };

// Page-aligned [first, last) of bytes [begin, end) of a view; empty when no page qualifies.
std::pair<std::uintptr_t, std::uintptr_t> pages(const TensorView& view, std::size_t begin, std::size_t end,
                                                Rounding rounding) {
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    const auto base = reinterpret_cast<std::uintptr_t>(view.bytes.data());
    const std::uintptr_t lo = base + std::min(begin, view.bytes.size()), hi = base + std::min(end, view.bytes.size());
    if (rounding == Rounding::Inward) {
        return {(lo + page - 1) / page * page, hi / page * page};
    }
    return {lo / page * page, (hi + page - 1) / page * page};
}

void advise(const Checkpoint& checkpoint, const std::string& name, std::size_t begin, std::size_t end,
            Rounding rounding, int advice) {
    auto view = checkpoint.find(name);
    if (!view || view->bytes.empty()) {
        return;
    }
    const auto [first, last] = pages(*view, begin, end, rounding);
    if (last > first) {
        madvise(reinterpret_cast<void*>(first), last - first, advice);  // best effort
    }
}

constexpr std::size_t kAll = static_cast<std::size_t>(-1);

}  // namespace

// Whole pages inside the tensor only: its neighbours keep theirs.
void WeightStore::release(const std::string& name) const {
    releaseBytes(name, 0, kAll);
}

void WeightStore::releaseBytes(const std::string& name, std::size_t begin, std::size_t end) const {
    advise(m_checkpoint, name, begin, end, Rounding::Inward, MADV_DONTNEED);
}

void WeightStore::prefetch(const std::string& name) const {
    prefetchBytes(name, 0, kAll);
}

void WeightStore::prefetchBytes(const std::string& name, std::size_t begin, std::size_t end) const {
#ifdef MADV_POPULATE_READ
    advise(m_checkpoint, name, begin, end, Rounding::Outward, MADV_POPULATE_READ);
#else
    (void)name, (void)begin, (void)end;
#endif
}

void WeightStore::readAhead(const std::string& name) const {
    advise(m_checkpoint, name, 0, kAll, Rounding::Outward, MADV_WILLNEED);
}

std::string lmHeadWeightName(const ModelConfig& config) {
    return config.tieWordEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight";
}

}  // namespace ql::model
