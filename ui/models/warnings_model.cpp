#include "ui/models/warnings_model.h"

#include "ui/format.h"

namespace ql::ui {

WarningsModel::WarningsModel(QObject* parent) : RowTableModel(parent) {
    using W = ReportWarning;
    setColumns({
        {tr("Kind"), {}, [](const W& w) { return qs(w.kind); }},
        {tr("Subject"), tr("module, file or field"), [](const W& w) { return qs(w.subject); }},
        {tr("Detail"), {}, [](const W& w) { return qs(w.detail); }},
    });
    setRowToolTip([](const W& w) { return qs(w.detail); });
}

void WarningsModel::setReport(const ReportPtr& report) {
    setRows(report ? Rows(report, &report->warnings) : Rows());
}

}  // namespace ql::ui
