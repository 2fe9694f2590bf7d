// Overview: the verdict, how the run was set up (both sides, device, attention kernel, tolerances
// and their rule), every check's verdict next to the rule it follows with its key numbers, and the
// explanation paragraph of every check (what was compared, what to do) in the body, not in
// tooltips; when train and eval differ, the "What to change" card (the diagnosis) above them. Activating a row opens
// that check's tab.
#pragma once

#include <quantlens/verify_report.h>

#include "ui/pages/report_page.h"

class QLabel;
class QTableView;
class QSplitter;
class QTextBrowser;

namespace ql::ui {

class CheckSummaryModel;
class WhatToChangeCard;

// The run's set-up as HTML lines: the two sides, device, attention, tolerances (shared with exports).
QString runSetupHtml(const VerifyReport& report);
// One paragraph per check: title, verdict, rule, explanation (and the adapter-merge recommendation).
QString explanationsHtml(const VerifyReport& report);

class OverviewPage : public ReportPage {
    Q_OBJECT
public:
    explicit OverviewPage(QWidget* parent = nullptr);
    QString title() const override { return tr("Overview"); }
    void setReport(const ReportPtr& report) override;
    QList<QAbstractItemModel*> tables() const override;
    QString summary() const override;
    QString explanationHtml() const override;
    CheckSummaryModel* model() const { return m_model; }
    QTextBrowser* explanations() const { return m_explanations; }
    QLabel* setupLabel() const { return m_sides; }
    WhatToChangeCard* whatToChange() const { return m_whatToChange; }

Q_SIGNALS:
    void checkActivated(ql::CheckKind kind);

private:
    void onRowActivated(const QModelIndex& index);
    void fitTableToRows();

    ReportPtr m_report;
    CheckSummaryModel* m_model;
    QTableView* m_table;
    QLabel* m_verdict;
    QLabel* m_sides;
    QTextBrowser* m_explanations;
    WhatToChangeCard* m_whatToChange;
    QSplitter* m_splitter = nullptr;
};

}  // namespace ql::ui
