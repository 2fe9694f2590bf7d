// libFuzzer target: trainer_state.json (lenient: NaN/Infinity literals, absent fields) and the
// series/metric queries the Training tab and inspect run on it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "quantlens/trainer_state.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto state = ql::parseTrainerState(text, "trainer_state.json");
    if (!state.ok()) return 0;
    for (const auto& name : state->metricNames()) {
        const auto series = state->series(name);
        const auto last = state->lastValue(name);
        (void)series;
        (void)last;
    }
    return 0;
}
