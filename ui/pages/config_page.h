// Config: the two resolved quantization configs side by side, differing rows highlighted with
// their explanation, plus the torchao pitfalls found (findings).
#pragma once

#include "ui/pages/report_page.h"

class QCheckBox;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
class QTextBrowser;

namespace ql::ui {

class ConfigDiffModel;

class ConfigPage : public ReportPage {
    Q_OBJECT
public:
    explicit ConfigPage(QWidget* parent = nullptr);
    QString title() const override { return tr("Config"); }
    void setReport(const ReportPtr& report) override;
    QList<QAbstractItemModel*> tables() const override;
    QString summary() const override;
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    void setDifferencesOnly(bool only);

private:
    void updateFilter();

    ConfigDiffModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QCheckBox* m_differencesOnly;
    QLineEdit* m_search;
    QTextBrowser* m_findings;
    QString m_summary;
};

}  // namespace ql::ui
