// Overview: the verdict of every check with its key numbers; activating a row opens that check's tab.
#pragma once

#include <quantlens/verify_report.h>

#include "ui/pages/report_page.h"

class QLabel;
class QTableView;

namespace ql::ui {

class CheckSummaryModel;

class OverviewPage : public ReportPage {
    Q_OBJECT
public:
    explicit OverviewPage(QWidget* parent = nullptr);
    QString title() const override { return tr("Overview"); }
    void setReport(const ReportPtr& report) override;
    QList<QAbstractItemModel*> tables() const override;
    QString summary() const override;
    CheckSummaryModel* model() const { return m_model; }

Q_SIGNALS:
    void checkActivated(ql::CheckKind kind);

private:
    void onRowActivated(const QModelIndex& index);

    CheckSummaryModel* m_model;
    QTableView* m_table;
    QLabel* m_verdict;
    QLabel* m_sides;
};

}  // namespace ql::ui
