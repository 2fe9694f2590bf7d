// The Overview table: one row per check (verdict, the rule behind it, headline, key numbers).
// Qt::UserRole+1 = CheckKind; Qt::ToolTipRole = the cell's whole text.
#pragma once

#include <quantlens/verify_report.h>

#include "ui/job_runner.h"
#include "ui/models/row_table_model.h"

namespace ql::ui {

inline constexpr int kCheckKindRole = Qt::UserRole + 1;

QString checkTitle(CheckKind kind);        // "Config", "Weights", ...
QString statusSymbol(CheckStatus status);  // "✓ pass", "✗ fail", ...

class CheckSummaryModel : public RowTableModel<CheckSummary> {
public:
    explicit CheckSummaryModel(QObject* parent = nullptr);
    void setReport(const ReportPtr& report);
    QVariant data(const QModelIndex& index, int role) const override;
    enum ColumnIndex { Check, Verdict, Rule, Result, KeyNumbers };

private:
    ReportPtr m_report;
};

}  // namespace ql::ui
