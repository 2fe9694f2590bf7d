#include "report/safetensors_writer.h"

#include <nlohmann/json.hpp>

#include "quantlens/report_io.h"

namespace ql::report {

std::string buildSafetensorsBytes(const std::vector<TensorBlob>& tensors,
                                  const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) {
        header["__metadata__"] = metadata;
    }
    std::uint64_t offset = 0;
    for (const auto& t : tensors) {
        header[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.bytes.size()}}};
        offset += t.bytes.size();
    }
    std::string json = header.dump();
    while (json.size() % 8 != 0) {
        json.push_back(' ');
    }
    std::string out(8, '\0');
    std::uint64_t n = json.size();
    for (int i = 0; i < 8; ++i) {
        out[static_cast<std::size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xFF);
    }
    out += json;
    for (const auto& t : tensors) {
        out.append(reinterpret_cast<const char*>(t.bytes.data()), t.bytes.size());
    }
    return out;
}

Status writeSafetensors(const std::string& path, const std::vector<TensorBlob>& tensors,
                        const std::map<std::string, std::string>& metadata) {
    return writeFileAtomically(path, buildSafetensorsBytes(tensors, metadata));
}

}  // namespace ql::report
