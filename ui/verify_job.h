// The production job: ql::verify on a copy of the request (kept apart so tests can link the UI
// without the engine and inject their own jobs).
#pragma once

#include <quantlens/verify.h>

#include "ui/job_runner.h"

namespace ql::ui {

VerifyJob makeVerifyJob(const VerifyRequest& request);

}  // namespace ql::ui
