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
        return makeError(ErrorCode::NotFound,
                         m_checkpoint.directory().string() + ": tensor " + name + " is missing");
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

Result<at::Tensor> WeightStore::load(const std::string& name, at::ScalarType dtype,
                                     const at::Device& device) const {
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

void WeightStore::release(const std::string& name) const {
    auto view = m_checkpoint.find(name);
    if (!view || view->bytes.empty()) {
        return;
    }
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    const auto begin = reinterpret_cast<std::uintptr_t>(view->bytes.data());
    const auto end = begin + view->bytes.size();
    const std::uintptr_t first = (begin + page - 1) / page * page;  // whole pages inside the tensor only
    const std::uintptr_t last = end / page * page;
    if (last > first) {
        madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
    }
}

void WeightStore::prefetch(const std::string& name) const {
#ifdef MADV_POPULATE_READ
    auto view = m_checkpoint.find(name);
    if (!view || view->bytes.empty()) {
        return;
    }
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    const auto begin = reinterpret_cast<std::uintptr_t>(view->bytes.data());
    const std::uintptr_t first = begin / page * page;  // every page the tensor touches
    const std::uintptr_t last = (begin + view->bytes.size() + page - 1) / page * page;
    madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_READ);  // best effort
#else
    (void)name;
#endif
}

std::string lmHeadWeightName(const ModelConfig& config) {
    return config.tieWordEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight";
}

}  // namespace ql::model
