#include "io/model_config_rope.h"

#include <cmath>

namespace ql::detail {
namespace {

Error ropeError(const FieldReader& r, const std::string& field, const std::string& what) {
    return makeError(ErrorCode::InvalidInput, r.sourceName() + ": field '" + field + "': " + what);
}

// The rope dict: rope_scaling wins over rope_parameters (transformers: `rope_scaling or
// rope_parameters`); nullptr when neither is a non-empty object.
Result<const OrderedJson*> ropeDict(FieldReader& r) {
    for (const char* key : {"rope_scaling", "rope_parameters"}) {
        const OrderedJson* v = r.get(key);
        if (v == nullptr) {
            continue;
        }
        if (!v->is_object()) {
            return ropeError(r, key, "expected an object or null, got " + describeJson(*v));
        }
        if (!v->empty()) {
            return v;
        }
    }
    return static_cast<const OrderedJson*>(nullptr);
}

Status readLlama3(FieldReader& d, FieldReader& top, ModelConfig& c) {
    for (const char* key : {"factor", "low_freq_factor", "high_freq_factor"}) {
        if (!d.has(key)) {
            return makeError(ErrorCode::InvalidInput, d.sourceName() + ": field '" + d.fieldName(key) +
                                                          "': required for rope_type 'llama3' (expected a number)");
        }
    }
    c.ropeScaling.factor = d.numberOr("factor", 1.0);
    c.ropeScaling.lowFreqFactor = d.numberOr("low_freq_factor", 1.0);
    c.ropeScaling.highFreqFactor = d.numberOr("high_freq_factor", 4.0);
    // standardize_rope_params: a top-level original_max_position_embeddings wins, else the
    // dict's, else max_position_embeddings.
    const std::int64_t fallback = d.intOr("original_max_position_embeddings", c.maxPositionEmbeddings);
    c.ropeScaling.originalMaxPositionEmbeddings = top.intOr("original_max_position_embeddings", fallback);
    if (c.ropeScaling.originalMaxPositionEmbeddings <= 0) {
        return ropeError(d, d.fieldName("original_max_position_embeddings"), "expected a positive integer");
    }
    if (!(c.ropeScaling.highFreqFactor > c.ropeScaling.lowFreqFactor)) {
        return ropeError(d, d.fieldName("high_freq_factor"), "expected a number greater than low_freq_factor");
    }
    return Ok{};
}

Status readRopeType(FieldReader& d, FieldReader& top, ModelConfig& c) {
    const std::string type = d.stringOr("rope_type", d.stringOr("type", "default"));
    if (d.error()) {
        return *d.error();
    }
    if (type == "default") {
        c.ropeScaling.type = RopeType::Default;
        return Ok{};
    }
    if (type == "linear") {
        c.ropeScaling.type = RopeType::Linear;
        if (!d.has("factor")) {
            return ropeError(d, d.fieldName("factor"), "required for rope_type 'linear' (expected a number)");
        }
        c.ropeScaling.factor = d.numberOr("factor", 1.0);
        return Ok{};
    }
    if (type == "llama3") {
        c.ropeScaling.type = RopeType::Llama3;
        return readLlama3(d, top, c);
    }
    return makeError(ErrorCode::Unsupported, d.sourceName() + ": rope type '" + type +
                                                 "' is not supported; supported: default, linear, llama3");
}

}  // namespace

Status readRope(FieldReader& r, ModelConfig& c) {
    auto dict = ropeDict(r);
    if (!dict) {
        return dict.error();
    }
    const double topTheta = r.numberOr("rope_theta", 10000.0);
    const double topPartial = r.numberOr("partial_rotary_factor", 1.0);
    if (r.error()) {
        return *r.error();
    }
    c.ropeTheta = topTheta;
    double partial = topPartial;
    if (*dict != nullptr) {
        const bool isV5 = r.get("rope_scaling") == nullptr;
        FieldReader d(**dict, r.sourceName(), isV5 ? "rope_parameters." : "rope_scaling.");
        if ((*dict)->contains("full_attention") || (*dict)->contains("sliding_attention")) {
            return makeError(ErrorCode::Unsupported,
                             r.sourceName() + ": per-layer-type rope parameters are not supported");
        }
        c.ropeTheta = d.numberOr("rope_theta", topTheta);
        partial = d.numberOr("partial_rotary_factor", topPartial);
        if (auto s = readRopeType(d, r, c); !s) {
            return s;
        }
        if (d.error()) {
            return *d.error();
        }
    }
    if (partial != 1.0) {
        return makeError(ErrorCode::Unsupported, r.sourceName() + ": partial_rotary_factor " + std::to_string(partial) +
                                                     " is not supported (expected 1)");
    }
    if (!(c.ropeTheta > 0.0) || !std::isfinite(c.ropeTheta)) {
        return ropeError(r, "rope_theta", "expected a positive finite number");
    }
    if (!(c.ropeScaling.factor > 0.0)) {
        return ropeError(r, "factor", "expected a positive rope scaling factor");
    }
    return r.error() ? Status(*r.error()) : Status(Ok{});
}

}  // namespace ql::detail
