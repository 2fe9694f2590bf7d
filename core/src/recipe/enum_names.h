// Private: name tables of the quantization enums and case-insensitive lookup with the list of valid
// spellings for error messages. Spellings are torchao's enum member names (config_to_dict writes those).
#pragma once

#include <quantlens/quant_config.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ql::recipe {

template <typename E>
struct EnumName {
    E value;
    std::string_view name;
};

std::span<const EnumName<QuantScheme>> quantSchemeTable();
std::span<const EnumName<QuantDType>> quantDTypeTable();
std::span<const EnumName<MxScaleMode>> mxScaleModeTable();
std::span<const EnumName<KernelPreference>> kernelPreferenceTable();
std::span<const EnumName<Granularity>> granularityTable();
std::span<const EnumName<MappingType>> mappingTypeTable();
std::span<const EnumName<Int4PackingFormat>> int4PackingFormatTable();
std::span<const EnumName<Int4ChooseQParamsAlgorithm>> int4AlgorithmTable();
std::span<const EnumName<IntxPackingFormat>> intxPackingFormatTable();
std::span<const EnumName<IntxChooseQParamsAlgorithm>> intxAlgorithmTable();

bool equalsIgnoreCase(std::string_view a, std::string_view b);

// Case-insensitive lookup of `name` in `table`; nullopt when absent.
template <typename E>
std::optional<E> enumFromName(std::span<const EnumName<E>> table, std::string_view name) {
    for (const auto& entry : table) {
        if (equalsIgnoreCase(entry.name, name)) {
            return entry.value;
        }
    }
    return std::nullopt;
}

template <typename E>
std::string_view enumName(std::span<const EnumName<E>> table, E value) {
    for (const auto& entry : table) {
        if (entry.value == value) {
            return entry.name;
        }
    }
    return "?";
}

// "A, B, C" for error messages.
template <typename E>
std::string enumNameList(std::span<const EnumName<E>> table) {
    std::string out;
    for (const auto& entry : table) {
        out += out.empty() ? "" : ", ";
        out += entry.name;
    }
    return out;
}

}  // namespace ql::recipe
