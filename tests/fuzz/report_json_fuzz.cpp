// libFuzzer target: the report JSON reader (the GUI opens reports from disk), and a round trip of
// every report that reads back: writing it and reading it again must succeed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "quantlens/report_io.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto report = ql::reportFromJson(text, "report.json");
    if (!report.ok()) return 0;
    auto again = ql::reportFromJson(ql::reportToJson(*report), "again.json");
    if (!again.ok()) __builtin_trap();
    return 0;
}
