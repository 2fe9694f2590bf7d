// The histogram of a module's unquantized weight values (WeightModuleResult::originalHistogram):
// torch.histc(w.float(), 64, min, max) over the finite values' range, accumulated over row blocks that
// arrive one at a time. bf16 rows are tallied per bit pattern (65536 counters), so the range and then
// the bins come at the end, exactly as histc over the whole tensor would place every value. Blocks of
// other dtypes are kept (on the CPU) and histc runs once over all of them at the end.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <mutex>
#include <vector>

#include "quantlens/verify_report.h"

namespace ql::checks {

class ValueHistogram {
public:
    explicit ValueHistogram(int bins = 64);
    // May run on several threads at once (each ATen worker thread tallies into its own counters).
    void add(const at::Tensor& rows);
    Histogram finish() const;

private:
    int m_bins;
    // bf16: count per bit pattern, per worker thread (32 bits: half the cache footprint of 64; a thread
    // adds fewer than 2^32 values to one module's tally: 4 billion elements per Linear)
    std::vector<std::vector<std::uint32_t>> m_patterns;
    std::vector<at::Tensor> m_blocks;  // any other dtype: every block, flattened
    std::mutex m_blocksMutex;
};

}  // namespace ql::checks
