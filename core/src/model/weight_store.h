// The mmapped checkpoint of one model, handing out parameters as at::Tensor on demand
// under their HF names (model.layers.{i}.self_attn.q_proj.weight, ...). Nothing is loaded up
// front: a forward asks for one layer's tensors, uses them and drops them (layer streaming).
#pragma once

#include <ATen/ATen.h>

#include <filesystem>
#include <memory>
#include <string>

#include "quantlens/checkpoint.h"
#include "quantlens/model_config.h"
#include "quantlens/result.h"

namespace ql::model {

class WeightStore {
public:
    // Opens `<dir>/config.json` and the checkpoint, and validates every expected parameter's
    // presence and shape (validateCheckpointAgainstConfig). A torchao-quantized checkpoint
    // (`name:qdata`) is Unsupported here: the forward needs float weights.
    static Result<std::shared_ptr<const WeightStore>> open(const std::filesystem::path& dir);

    const ModelConfig& config() const { return m_config; }
    const Checkpoint& checkpoint() const { return m_checkpoint; }
    bool has(const std::string& name) const { return m_checkpoint.find(name).has_value(); }

    // The parameter as stored, on the CPU. Zero-copy (a read-only alias of the mapped file, never
    // to be written in place) when the bytes are aligned for the dtype, else a copy.
    Result<at::Tensor> raw(const std::string& name) const;
    // The parameter converted to `dtype` on `device` (as from_pretrained(dtype=...) does).
    Result<at::Tensor> load(const std::string& name, at::ScalarType dtype, const at::Device& device) const;
    // Asks the OS to drop the mapped pages of `name` from this process' resident set (the file
    // stays mapped; a later access reads it again). No-op when absent.
    void release(const std::string& name) const;
    // Maps the tensor's pages in one call (MADV_POPULATE_READ) before a layer reads them, instead
    // of one page fault per page; a no-op where the kernel lacks it or the tensor is not mapped.
    void prefetch(const std::string& name) const;
    // The same for bytes [begin, end) of the tensor's data (a row block).
    void prefetchBytes(const std::string& name, std::size_t begin, std::size_t end) const;
    void releaseBytes(const std::string& name, std::size_t begin, std::size_t end) const;
    // Starts the kernel's asynchronous read-ahead of the tensor into the page cache (MADV_WILLNEED):
    // nothing is mapped into this process, so it costs no resident memory here.
    void readAhead(const std::string& name) const;

private:
    WeightStore(ModelConfig config, Checkpoint checkpoint);

    ModelConfig m_config;
    Checkpoint m_checkpoint;
};

// The weight of the output head: lm_head.weight, or model.embed_tokens.weight when
// tie_word_embeddings (transformers Qwen3ForCausalLM._tied_weights_keys).
std::string lmHeadWeightName(const ModelConfig& config);

}  // namespace ql::model
