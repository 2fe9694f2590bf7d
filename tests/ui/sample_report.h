// UI-fixture data: a small, hand-built VerifyReport that exercises every tab. It makes NO numeric
// claim about quantization; the numbers only need to be distinct and well-formed for the views.
#pragma once

#include <quantlens/verify_report.h>

#include <memory>

namespace ql::ui::test {

// 2 decoder layers × 3 modules; module 4 ("model.layers.1.mlp.down_proj") differs, the rest are
// bit-identical. Every optional check is present.
VerifyReport sampleReport();
std::shared_ptr<const VerifyReport> sampleReportPtr();

inline constexpr int kSampleModules = 6;
inline constexpr int kSampleFailingModule = 4;

}  // namespace ql::ui::test
