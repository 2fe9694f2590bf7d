// Deterministic, platform-independent random numbers for the demo workspace (splitmix64 +
// Box-Muller; no std:: distributions, whose algorithms differ between standard libraries).
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace ql::demo {

class Rng {
public:
    explicit Rng(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }  // (0, 1)
    double normal() { return std::sqrt(-2.0 * std::log(uniform())) * std::cos(6.283185307179586 * uniform()); }
    // Student-t with 5 degrees of freedom: heavy tails like trained LLM weights.
    double studentT5() {
        double chi = 0.0;
        for (int i = 0; i < 5; ++i) {
            const double n = normal();
            chi += n * n;
        }
        return normal() / std::sqrt(chi / 5.0);
    }

private:
    std::uint64_t m_state;
};

// float -> bfloat16 bits, round to nearest even (NaN kept quiet).
inline std::uint16_t toBf16(float f) {
    std::uint32_t u;
    static_assert(sizeof u == sizeof f);
    __builtin_memcpy(&u, &f, sizeof u);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<std::uint16_t>((u >> 16) | 0x40);
    u += 0x7FFFu + ((u >> 16) & 1u);
    return static_cast<std::uint16_t>(u >> 16);
}

}  // namespace ql::demo
