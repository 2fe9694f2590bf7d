#include "ui/models/check_summary_model.h"

#include "ui/check_display.h"
#include "ui/format.h"
#include "ui/plots/plot_style.h"
#include "ui/report_views.h"

namespace ql::ui {

QString checkTitle(CheckKind kind) {
    switch (kind) {
        case CheckKind::Config:
            return QObject::tr("Config");
        case CheckKind::Weights:
            return QObject::tr("Weights");
        case CheckKind::Logits:
            return QObject::tr("Logits");
        case CheckKind::Activations:
            return QObject::tr("Activations");
        case CheckKind::Convert:
            return QObject::tr("Convert");
        case CheckKind::AdapterMerge:
            return QObject::tr("Adapter merge");
    }
    return {};
}

QString statusSymbol(CheckStatus status) {
    switch (status) {
        case CheckStatus::Pass:
            return QObject::tr("✓ pass");
        case CheckStatus::Fail:
            return QObject::tr("✗ fail");
        case CheckStatus::Skipped:
            return QObject::tr("– skipped");
        case CheckStatus::Error:
            return QObject::tr("! error");
        case CheckStatus::Info:
            return QObject::tr("i info");
    }
    return {};
}

CheckSummaryModel::CheckSummaryModel(QObject* parent) : RowTableModel(parent) {
    setColumns({
        {tr("Check"), tr("Click a row to open that check's tab"),
         [](const CheckSummary& c) { return checkTitle(c.kind); }},
        {tr("Verdict"),
         tr("pass: within tolerance; fail: out of tolerance; skipped: not applicable; info: measured, not a verdict"),
         [](const CheckSummary& c) { return statusSymbol(c.status); }},
        {tr("Rule"), tr("what the verdict is based on"), [this](const CheckSummary& c) { return checkRule(c); }},
        {tr("Result"), {}, [](const CheckSummary& c) { return displayHeadline(c); }},
        {tr("Key numbers"), {}, [](const CheckSummary& c) { return displayNumbersText(c); }},
    });
}

void CheckSummaryModel::setReport(const ReportPtr& report) {
    m_report = report;
    setRows(report ? Rows(report, &report->checks) : Rows());
}

QVariant CheckSummaryModel::data(const QModelIndex& index, int role) const {
    const CheckSummary* check = index.isValid() ? rowAt(index.row()) : nullptr;
    if (check && role == kCheckKindRole) {
        return static_cast<int>(check->kind);
    }
    if (check && role == Qt::ToolTipRole) {  // the whole cell: views may show it on one elided line
        return RowTableModel::data(index, Qt::DisplayRole);
    }
    if (check && role == Qt::ForegroundRole && index.column() == 1) {
        switch (check->status) {
            case CheckStatus::Pass:
                return plotStyle::kPass;
            case CheckStatus::Fail:
            case CheckStatus::Error:
                return plotStyle::kFail;
            case CheckStatus::Skipped:
            case CheckStatus::Info:
                return plotStyle::kNeutral;
        }
    }
    return RowTableModel::data(index, role);
}

}  // namespace ql::ui
