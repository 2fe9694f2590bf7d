#include "model/adapter_weights.h"

#include "model/weight_store.h"
#include "torch/torch_bridge.h"

namespace ql::model {

AdapterWeights::AdapterWeights(LoraAdapter adapter) : m_adapter(std::move(adapter)) {
    for (const LoraModule& m : m_adapter.modules) {
        m_modules.emplace(m.name, &m);
    }
    for (const AdapterExtraTensor& e : m_adapter.extras) {
        m_replacements.emplace(e.baseName, e.key);
    }
}

Result<std::shared_ptr<const AdapterWeights>> AdapterWeights::open(const std::filesystem::path& path,
                                                                   const WeightStore& base) {
    auto adapter = openLoraAdapter(path);
    if (!adapter) {
        return adapter.error();
    }
    for (const LoraModule& m : adapter->modules) {
        if (m.kind != LoraModuleKind::Linear) {
            return makeError(ErrorCode::Unsupported,
                             path.string() + ": LoRA on embedding " + m.name +
                                 " is not supported: the forward applies LoRA to Linears only (PEFT's lora.Embedding "
                                 "adds the B·A rows of the looked-up tokens), so the checks would compare a model "
                                 "without it; train without the embedding in target_modules to verify with QuantLens");
        }
    }
    if (auto s = checkAdapterAgainstCheckpoint(*adapter, base.checkpoint()); !s) {
        return makeError(s.error().code, s.error().message + " (adapter " + path.string() + " for base " +
                                             base.checkpoint().directory().string() + ", " +
                                             base.config().architecture + ")");
    }
    return std::shared_ptr<const AdapterWeights>(new AdapterWeights(std::move(*adapter)));
}

Result<at::Tensor> AdapterWeights::tensor(const std::string& key, at::ScalarType dtype,
                                          const at::Device& device) const {
    const TensorInfo* info = m_adapter.weights.find(key);
    if (info == nullptr) {
        return makeError(ErrorCode::NotFound, m_adapter.weights.sourceName() + ": tensor " + key + " is missing");
    }
    auto t = torchbridge::copyToTensor(TensorView{info, m_adapter.weights.data(*info), &m_adapter.weights});
    if (!t) {
        return t.error();
    }
    return t->to(device, dtype);
}

Result<std::optional<LoraFactors>> AdapterWeights::factors(const std::string& module, const at::Device& device) const {
    auto it = m_modules.find(module);
    if (it == m_modules.end()) {
        return std::optional<LoraFactors>();
    }
    const LoraModule& m = *it->second;
    LoraFactors f;
    f.scaling = m.scaling;
    // PEFT forces fan_in_fan_out to false for torch.nn.Linear (dispatch_default warns), and every
    // LoRA module of these families wraps an nn.Linear.
    f.fanInFanOut = false;
    auto a = tensor(m.loraAKey, at::kFloat, device);
    auto b = tensor(m.loraBKey, at::kFloat, device);
    if (!a || !b) {
        return a ? b.error() : a.error();
    }
    f.a = *a;
    f.b = *b;
    for (auto [key, slot] : {std::pair{&m.loraBBiasKey, &f.bBias}, std::pair{&m.magnitudeKey, &f.magnitude}}) {
        if (!key->empty()) {
            auto t = tensor(*key, at::kFloat, device);
            if (!t) {
                return t.error();
            }
            *slot = *t;
        }
    }
    return std::optional<LoraFactors>(std::move(f));
}

Result<std::optional<at::Tensor>> AdapterWeights::replacement(const std::string& param, at::ScalarType dtype,
                                                              const at::Device& device) const {
    auto it = m_replacements.find(param);
    if (it == m_replacements.end()) {
        return std::optional<at::Tensor>();
    }
    auto t = tensor(it->second, dtype, device);
    if (!t) {
        return t.error();
    }
    return std::optional<at::Tensor>(*t);
}

}  // namespace ql::model
