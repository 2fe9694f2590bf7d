// Two reports side by side (A before, B after: checkpoint-10 vs checkpoint-20, or before vs after a
// fix to the eval path): the checks and convert deployments that changed verdict, per-module metric deltas (table and
// an A-vs-B scatter of max |Δ|), and overlaid curves (logit |Δ| histograms, per-layer hidden-state divergence,
// per-position max |Δlogit|). Reports are read off the GUI thread. Export… writes what the window shows
// (compare_export.h).
#pragma once

#include <quantlens/report_compare.h>

#include <QWidget>
#include <memory>
#include <vector>

#include "ui/job_runner.h"

class QCheckBox;
class QCustomPlot;
class QLabel;
class QPushButton;
class QTableView;
class QSortFilterProxyModel;
class QAbstractItemModel;

namespace ql::ui {

class CompareChecksModel;
class CompareDeploymentsModel;
class CompareModulesModel;
class CompareNumbersModel;

class CompareWindow : public QWidget {
    Q_OBJECT
public:
    explicit CompareWindow(QWidget* parent = nullptr);

    void setReports(const ReportPtr& a, const QString& nameA, const ReportPtr& b, const QString& nameB);
    void openReports(const QString& pathA, const QString& pathB);  // async; errors in a message box
    void chooseReports();                                          // file dialogs for A, then B
    void chooseExport();  // a file dialog, then writeComparison() (compare_export.h); errors in a message box
    const QString& nameA() const { return m_nameA; }
    const QString& nameB() const { return m_nameB; }
    QPushButton* exportButton() const { return m_export; }
    const std::shared_ptr<const ReportComparison>& comparison() const { return m_comparison; }
    CompareChecksModel* checksModel() const { return m_checks; }
    CompareDeploymentsModel* deploymentsModel() const { return m_deployments; }
    CompareModulesModel* modulesModel() const { return m_modules; }
    CompareNumbersModel* numbersModel() const { return m_numbers; }
    QSortFilterProxyModel* modulesProxy() const { return m_modulesProxy; }
    // The module table as shown, in the columns an A4 page has room for (module, type, max |Δ| and
    // verdict in A and B, change): what the paper exports draw.
    QAbstractItemModel* modulesPaperModel() const { return m_modulesPaper; }
    QList<QCustomPlot*> plots() const;
    QLabel* verdictLabel() const { return m_verdict; }
    void setChangedOnly(bool only);
    QString scatterToolTipAt(const QPointF& pixel) const;  // what hovering the A-vs-B scatter shows

Q_SIGNALS:
    void comparisonReady();

private:
    void redraw();
    void drawScatter();
    void drawHistograms();
    void drawLayers();
    void drawPositions();
    int scatterPointAt(const QPointF& pixel) const;  // index into m_scatterPoints, -1 for none

    ReportPtr m_a, m_b;
    QString m_nameA, m_nameB;
    std::shared_ptr<const ReportComparison> m_comparison;
    QLabel* m_names;
    QLabel* m_verdict;
    CompareChecksModel* m_checks;
    CompareDeploymentsModel* m_deployments;
    CompareModulesModel* m_modules;
    CompareNumbersModel* m_numbers;
    QSortFilterProxyModel* m_modulesProxy;
    QAbstractItemModel* m_modulesPaper;
    QPushButton* m_export;
    QCheckBox* m_changedOnly;
    QCustomPlot* m_scatter;
    QCustomPlot* m_histograms;
    QCustomPlot* m_layers;
    QCustomPlot* m_positions;
    QTableView* m_modulesTable;
    std::vector<QTableView*> m_summaryTables;         // checks, deployments, numbers
    std::vector<const ModuleDelta*> m_scatterPoints;  // the modules drawn on the scatter
};

}  // namespace ql::ui
