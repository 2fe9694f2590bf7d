// Config: the two resolved quantization configs side by side, differing rows highlighted with
// their explanation, plus the torchao pitfalls found (findings). Before any run it shows the
// config check of the recipes as they are (showPreview), marked as such.
#pragma once

#include "ui/pages/report_page.h"

class QCheckBox;
class QLabel;
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
    QString explanationHtml() const override;
    void setDifferencesOnly(bool only);
    // The config check of the current recipes, before (or without) a run; setReport replaces it.
    void showPreview(const ConfigDiff& diff);
    bool showsPreview() const { return m_showsPreview; }

private:
    void updateFilter();
    void showConfig(const ReportPtr& report);

    ReportPtr m_report;
    ConfigDiffModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QCheckBox* m_differencesOnly;
    QLineEdit* m_search;
    QTextBrowser* m_findings;
    QLabel* m_previewNote;
    QString m_summary;
    bool m_showsPreview = false;
};

}  // namespace ql::ui
