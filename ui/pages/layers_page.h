// Layers: what convert does to the model, as pictures and a table. Every deployment of the convert
// check (like for like; merge, then convert) with its verdict by the rule; for the chosen one: bytes
// by module type before vs after with the compression, the type transition of each module group
// (Linear → FakeQuantizedLinear → real low-bit Linear; the other deployment's too where it
// differs), then the per-module table (types, dtypes, bytes, codes, fake-vs-real dequant).
#pragma once

#include <vector>

#include "ui/pages/report_page.h"
#include "ui/report_views.h"

class QComboBox;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace ql::ui {

class ConvertRowsModel;

class LayersPage : public ReportPage {
    Q_OBJECT
public:
    explicit LayersPage(QWidget* parent = nullptr);
    QString title() const override { return tr("Layers"); }
    void setReport(const ReportPtr& report) override;
    QList<QCustomPlot*> plots() const override;
    QList<QAbstractItemModel*> tables() const override;
    QList<QAbstractItemModel*> paperTables() const override;  // key columns, largest dequant |Δ| first
    QString paperTableCaption(const QAbstractItemModel* table) const override;
    QString summary() const override;
    QString explanationHtml() const override;

    void setDeployment(int index);
    int deploymentCount() const { return static_cast<int>(m_deployments.size()); }
    QCustomPlot* bytesPlot() const { return m_bytesPlot; }
    QCustomPlot* transitionsPlot() const { return m_transitionsPlot; }
    // The first deployment other than the shown one whose transitions differ (drawn too); -1 if none.
    int otherDeployment() const;

private:
    void showDeployment();

    ReportPtr m_report;
    std::vector<DeploymentView> m_deployments;
    ConvertRowsModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QAbstractItemModel* m_paperTable;
    QTableView* m_table;
    QComboBox* m_deployment;
    QLabel* m_totals;
    QCustomPlot* m_bytesPlot;
    QCustomPlot* m_transitionsPlot;
};

}  // namespace ql::ui
