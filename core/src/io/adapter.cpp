// adapter_model.safetensors keys -> LoRA modules (the keys peft/utils/save_and_load.py get_peft_model_state_dict
// writes).
#include <algorithm>
#include <map>

#include "io/adapter_keys.h"

namespace ql::detail {
namespace {

enum class Part { A, B, BBias, Magnitude, EmbA, EmbB };

struct ParsedKey {
    std::string module;
    Part part = Part::A;
};

std::vector<std::string> splitDots(std::string_view s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == '.') {
            out.emplace_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

// What may follow the marker: A/B "[<adapter>.]weight" (B also "bias"), magnitude
// "[<adapter>][.weight]", embedding factors "[<adapter>]".
bool validRest(Part part, const std::vector<std::string>& rest) {
    if (rest.size() > 2) {
        return false;
    }
    if (part == Part::A || part == Part::B) {
        return !rest.empty() && (rest.back() == "weight" || (part == Part::B && rest.back() == "bias"));
    }
    if (part == Part::Magnitude) {
        return rest.size() < 2 || rest.back() == "weight";
    }
    return rest.size() <= 1;
}

// nullopt for a key without a LoRA marker (an extra tensor).
Result<std::optional<ParsedKey>> parseKey(std::string_view key, const std::string& file) {
    static const std::map<std::string, Part, std::less<>> kMarkers = {{"lora_A", Part::A},
                                                                      {"lora_B", Part::B},
                                                                      {"lora_magnitude_vector", Part::Magnitude},
                                                                      {"lora_embedding_A", Part::EmbA},
                                                                      {"lora_embedding_B", Part::EmbB}};
    const std::vector<std::string> parts = splitDots(key);
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const auto marker = kMarkers.find(parts[i]);
        if (marker == kMarkers.end()) {
            continue;
        }
        const std::vector<std::string> rest(parts.begin() + static_cast<std::ptrdiff_t>(i) + 1, parts.end());
        if (!validRest(marker->second, rest)) {
            return makeError(ErrorCode::InvalidInput, file + ": tensor '" + std::string(key) +
                                                          "': unknown LoRA key form (expected <module>." + parts[i] +
                                                          "[.<adapter>].weight)");
        }
        ParsedKey parsed;
        for (std::size_t j = 0; j < i; ++j) {
            parsed.module += (j ? "." : "") + parts[j];
        }
        const bool bias = !rest.empty() && rest.back() == "bias";
        parsed.part = (marker->second == Part::B && bias) ? Part::BBias : marker->second;
        return std::optional<ParsedKey>(parsed);
    }
    return std::optional<ParsedKey>();
}

Status setPiece(LoraPieces& p, const ParsedKey& k, const TensorInfo& t, const std::string& file) {
    const TensorInfo** slot = nullptr;
    switch (k.part) {
        case Part::A:
        case Part::EmbA:
            slot = &p.a;
            break;
        case Part::B:
        case Part::EmbB:
            slot = &p.b;
            break;
        case Part::BBias:
            slot = &p.bBias;
            break;
        case Part::Magnitude:
            slot = &p.magnitude;
            break;
    }
    if (*slot != nullptr) {
        return makeError(ErrorCode::InvalidInput, file + ": tensor '" + t.name + "': module '" + k.module +
                                                      "' already has this LoRA tensor ('" + (*slot)->name + "')");
    }
    *slot = &t;
    const bool factor = k.part == Part::A || k.part == Part::B || k.part == Part::EmbA || k.part == Part::EmbB;
    const bool embedding = k.part == Part::EmbA || k.part == Part::EmbB;
    if (factor && p.kindKnown && p.embedding != embedding) {
        return makeError(ErrorCode::InvalidInput, file + ": tensor '" + t.name + "': module '" + k.module +
                                                      "' mixes lora_A/lora_B with lora_embedding_A/lora_embedding_B");
    }
    if (factor) {
        p.kindKnown = true;
        p.embedding = embedding;
    }
    return Ok{};
}

// "base_model.model.x.base_layer.weight" -> "x.weight"; modules_to_save copies keep their name.
std::string baseNameOf(std::string_view strippedKey) {
    std::string name(strippedKey);
    const std::string marker = ".base_layer.";
    if (const auto pos = name.find(marker); pos != std::string::npos) {
        name.replace(pos, marker.size(), ".");
    }
    return name;
}

}  // namespace

std::string_view stripPeftPrefix(std::string_view key) {
    constexpr std::string_view kPrefix = "base_model.model.";
    return key.starts_with(kPrefix) ? key.substr(kPrefix.size()) : key;
}

Result<GroupedKeys> groupAdapterKeys(const SafetensorsFile& file) {
    GroupedKeys grouped;
    const std::string& name = file.sourceName();
    for (const TensorInfo& t : file.tensors()) {
        const std::string_view stripped = stripPeftPrefix(t.name);
        auto parsed = parseKey(stripped, name);
        if (!parsed) {
            return parsed.error();
        }
        if (!parsed->has_value()) {
            grouped.extras.push_back({t.name, baseNameOf(stripped)});
            continue;
        }
        const ParsedKey& k = **parsed;
        if (auto s = setPiece(grouped.modules[k.module], k, t, name); !s) {
            return s.error();
        }
    }
    std::sort(grouped.extras.begin(), grouped.extras.end(), [](const auto& x, const auto& y) { return x.key < y.key; });
    return grouped;
}

}  // namespace ql::detail
