#include "io/safetensors_writer.h"

#include "quantlens/report_io.h"

namespace ql::io {

nlohmann::ordered_json safetensorsHeader(const std::vector<TensorLayout>& tensors,
                                         const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) {
        header["__metadata__"] = metadata;
    }
    std::uint64_t offset = 0;
    for (const auto& t : tensors) {
        header[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.byteSize}}};
        offset += t.byteSize;
    }
    return header;
}

std::string padToEight(std::string text) {
    text.append((8 - text.size() % 8) % 8, ' ');
    return text;
}

std::string headerLengthPrefix(std::uint64_t n) {
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) {
        out[static_cast<std::size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xFF);
    }
    return out;
}

std::string buildSafetensorsBytes(const std::vector<TensorBlob>& tensors,
                                  const std::map<std::string, std::string>& metadata) {
    std::vector<TensorLayout> layout;
    layout.reserve(tensors.size());
    for (const auto& t : tensors) layout.push_back({t.name, t.dtype, t.shape, t.bytes.size()});
    const std::string json = padToEight(safetensorsHeader(layout, metadata).dump());
    std::string out = headerLengthPrefix(json.size()) + json;
    for (const auto& t : tensors) {
        out.append(reinterpret_cast<const char*>(t.bytes.data()), t.bytes.size());
    }
    return out;
}

Status writeSafetensors(const std::string& path, const std::vector<TensorBlob>& tensors,
                        const std::map<std::string, std::string>& metadata) {
    return writeFileAtomically(path, buildSafetensorsBytes(tensors, metadata));
}

}  // namespace ql::io
