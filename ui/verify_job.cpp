#include "ui/verify_job.h"

namespace ql::ui {

VerifyJob makeVerifyJob(const VerifyRequest& request) {
    return [request](const ProgressFn& progress) { return verify(request, progress); };
}

}  // namespace ql::ui
