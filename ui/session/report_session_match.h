// Whether a saved report was run with the session's recipes: for each side whose recipe the
// session names, the recipe file, then what it resolves to now (model folder, adapter folder and
// form, Trainer checkpoint-N, device numerics, torchao release) against the report's record of that
// side. Used when a report is opened, so the window can say that the session differs from it.
// Reads and parses the two recipe files: call it off the GUI thread.
#pragma once

#include <quantlens/verify_report.h>

#include <QStringList>

#include "ui/session/session.h"

namespace ql::ui {

// One line per difference ("train: the report ran checkpoint-20; the recipe now resolves to
// checkpoint-10"); empty when the session matches, names no recipe, or the report names none.
QStringList reportSessionDifferences(const Session& session, const VerifyReport& report);

}  // namespace ql::ui
