#include "ui/compare/compare_window.h"

#include <quantlens/report_io.h>

#include <QCheckBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "ui/async.h"
#include "ui/compare/compare_export.h"
#include "ui/compare/compare_headline.h"
#include "ui/compare/compare_models.h"
#include "ui/format.h"
#include "ui/models/check_summary_model.h"
#include "ui/models/column_subset_proxy.h"
#include "ui/plots/histogram_curve.h"
#include "ui/plots/plot_pointer.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"
#include "ui/widgets/table_views.h"

namespace ql::ui {

namespace {
const QColor kColourA = plotStyle::kPrimary;
const QColor kColourB = plotStyle::kSecondary;
// Shows only rows whose verdict changed or whose max |Δ| changed.
class ChangedModulesProxy : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setChangedOnly(bool only) {
        m_only = only;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex&) const override {
        if (!m_only) return true;
        const auto* model = static_cast<const CompareModulesModel*>(sourceModel());
        const ModuleDelta* m = model->rowAt(row);
        return m && (m->worse() || m->better() || !m->a || !m->b || m->a->maxAbs != m->b->maxAbs);
    }

private:
    bool m_only = false;
};

QCPGraph* addCurve(QCustomPlot* plot, const QString& name, const QColor& colour) {
    auto* graph = plot->addGraph();
    graph->setName(name);
    graph->setPen(QPen(colour, 1.8));
    graph->setSelectable(QCP::stNone);
    return graph;
}
}  // namespace

CompareWindow::CompareWindow(QWidget* parent)
    : QWidget(parent, Qt::Window),
      m_names(new QLabel(this)),
      m_verdict(new QLabel(this)),
      m_checks(new CompareChecksModel(this)),
      m_deployments(new CompareDeploymentsModel(this)),
      m_modules(new CompareModulesModel(this)),
      m_numbers(new CompareNumbersModel(this)),
      m_modulesProxy(new ChangedModulesProxy(this)),
      m_modulesPaper(
          new ColumnSubsetProxy(m_modulesProxy,
                                {CompareModulesModel::Module, CompareModulesModel::Type, CompareModulesModel::MaxAbsA,
                                 CompareModulesModel::MaxAbsB, CompareModulesModel::VerdictA,
                                 CompareModulesModel::VerdictB, CompareModulesModel::Change},
                                -1, this)),
      m_export(new QPushButton(tr("Export…"), this)),
      m_changedOnly(new QCheckBox(tr("Changed modules only"), this)),
      m_scatter(plotStyle::makePlot(this, QStringLiteral("compareScatter"))),
      m_histograms(plotStyle::makePlot(this, QStringLiteral("compareHistograms"))),
      m_layers(plotStyle::makePlot(this, QStringLiteral("compareLayers"))),
      m_positions(plotStyle::makePlot(this, QStringLiteral("comparePositions"))) {
    setWindowTitle(tr("QuantLens — compare two reports"));
    resize(1280, 800);
    m_names->setTextFormat(Qt::RichText);
    m_names->setWordWrap(true);
    m_verdict->setWordWrap(true);
    QFont big = m_verdict->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.3);
    m_verdict->setFont(big);
    auto* open = new QPushButton(tr("Open reports…"), this);
    QTableView* checks = makeTableView(this, QStringLiteral("compare_checks"));
    m_summaryTables = {checks};
    checks->setModel(m_checks);
    QTableView* deploymentsTable = makeTableView(this, QStringLiteral("compare_deployments"));
    deploymentsTable->setModel(m_deployments);
    m_summaryTables.push_back(deploymentsTable);
    QTableView* numbers = makeTableView(this, QStringLiteral("compare_numbers"));
    numbers->setModel(m_numbers);
    m_summaryTables.push_back(numbers);
    auto* checksTab = new QSplitter(Qt::Vertical, this);
    checksTab->addWidget(checks);
    checksTab->addWidget(deploymentsTable);
    checksTab->addWidget(numbers);
    checksTab->setStretchFactor(0, 3);  // six checks
    checksTab->setStretchFactor(1, 1);  // one or two deployments
    checksTab->setStretchFactor(2, 4);  // the key numbers
    m_modulesProxy->setSourceModel(m_modules);
    m_modulesProxy->setSortRole(kSortRole);
    QTableView* modules = makeTableView(this, QStringLiteral("compare_modules"));
    m_modulesTable = modules;
    modules->setModel(m_modulesProxy);
    modules->setSortingEnabled(true);
    modules->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);

    auto* tabs = new QTabWidget(this);
    auto* modulesTab = new QSplitter(Qt::Vertical, this);
    auto* modulesTop = new QWidget(this);
    auto* modulesTopLayout = new QVBoxLayout(modulesTop);
    modulesTopLayout->setContentsMargins(0, 0, 0, 0);
    modulesTopLayout->addWidget(m_changedOnly);
    modulesTopLayout->addWidget(m_scatter, 1);
    modulesTab->addWidget(modulesTop);
    modulesTab->addWidget(modules);
    auto* curves = new QWidget(this);
    auto* curvesLayout = new QGridLayout(curves);
    curvesLayout->addWidget(m_histograms, 0, 0);
    curvesLayout->addWidget(m_layers, 0, 1);
    curvesLayout->addWidget(m_positions, 1, 0, 1, 2);
    tabs->addTab(checksTab, tr("Checks"));
    tabs->addTab(modulesTab, tr("Modules"));
    tabs->addTab(curves, tr("Curves"));

    auto* header = new QHBoxLayout;
    header->addWidget(m_names, 1);
    header->addWidget(open);
    header->addWidget(m_export);
    m_export->setToolTip(tr("Write the comparison as PDF, HTML, PNG or Markdown"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_verdict);
    layout->addWidget(tabs, 1);
    connect(open, &QPushButton::clicked, this, &CompareWindow::chooseReports);
    connect(m_export, &QPushButton::clicked, this, &CompareWindow::chooseExport);
    connect(m_changedOnly, &QCheckBox::toggled, this, &CompareWindow::setChangedOnly);
    new PlotPointer(
        m_scatter, [this](const QPointF& p) { return scatterPointAt(p); },
        [this](const QPointF& p) { return scatterToolTipAt(p); });
    setReports(nullptr, {}, nullptr, {});
}

void CompareWindow::setChangedOnly(bool only) {
    m_changedOnly->setChecked(only);
    static_cast<ChangedModulesProxy*>(m_modulesProxy)->setChangedOnly(only);
}

void CompareWindow::chooseReports() {
    const QString a = QFileDialog::getOpenFileName(this, tr("Report A (before)"), {}, tr("QuantLens reports (*.json)"));
    if (a.isEmpty()) return;
    const QString b = QFileDialog::getOpenFileName(this, tr("Report B (after)"), {}, tr("QuantLens reports (*.json)"));
    if (!b.isEmpty()) openReports(a, b);
}

void CompareWindow::chooseExport() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export comparison"), QStringLiteral("comparison.pdf"),
                                                      tr("PDF (*.pdf);;HTML (*.html);;Markdown (*.md);;PNG (*.png)"));
    if (path.isEmpty()) return;
    if (const Status status = writeComparison(*this, path); !status)
        QMessageBox::critical(this, tr("Export comparison"), QString::fromStdString(status.error().message));
}

void CompareWindow::openReports(const QString& pathA, const QString& pathB) {
    using Pair = std::pair<Result<VerifyReport>, Result<VerifyReport>>;
    const std::string a = pathA.toStdString(), b = pathB.toStdString();
    runOffGuiThread<Pair>(
        this, [a, b] { return Pair(readReportJson(a), readReportJson(b)); },
        [this, pathA, pathB](Pair reports) {
            for (const Result<VerifyReport>* r : {&reports.first, &reports.second}) {
                if (!*r) {
                    QMessageBox::critical(this, tr("Compare reports"), QString::fromStdString(r->error().message));
                    return;
                }
            }
            setReports(std::make_shared<const VerifyReport>(std::move(reports.first).value()), pathA,
                       std::make_shared<const VerifyReport>(std::move(reports.second).value()), pathB);
        });
}

void CompareWindow::setReports(const ReportPtr& a, const QString& nameA, const ReportPtr& b, const QString& nameB) {
    m_a = a;
    m_b = b;
    m_nameA = nameA;
    m_nameB = nameB;
    m_comparison = a && b ? std::make_shared<const ReportComparison>(compareReports(*a, *b)) : nullptr;
    m_checks->setComparison(m_comparison);
    m_deployments->setComparison(m_comparison);
    m_modules->setComparison(m_comparison);
    m_numbers->setComparison(m_comparison);
    m_modulesTable->resizeColumnsToContents();
    for (QTableView* table : m_summaryTables) table->resizeColumnsToContents();  // names whole, not elided
    if (!m_comparison) {
        m_names->setText(tr("Open two report JSONs: A (before) and B (after)."));
        m_verdict->clear();
    } else {
        m_names->setText(tr("<b style='color:%1'>A</b> %2<br><b style='color:%3'>B</b> %4")
                             .arg(kColourA.name(), nameA.toHtmlEscaped(), kColourB.name(), nameB.toHtmlEscaped()));
        const VerdictHeadline headline = comparisonHeadline(*m_comparison);
        m_verdict->setText(headline.text);
        m_verdict->setStyleSheet(QStringLiteral("color: %1").arg(headline.colour.name()));
    }
    m_export->setEnabled(m_comparison != nullptr);
    redraw();
    Q_EMIT comparisonReady();
}

QList<QCustomPlot*> CompareWindow::plots() const {
    return {m_scatter, m_histograms, m_layers, m_positions};
}

void CompareWindow::redraw() {
    for (QCustomPlot* plot : plots()) {
        plot->clearGraphs();
        plot->clearItems();
        plotStyle::placeLegendAbove(plot);
    }
    drawScatter();
    drawHistograms();
    drawLayers();
    drawPositions();
    for (QCustomPlot* plot : plots()) plot->replot(QCustomPlot::rpQueuedReplot);
}

void CompareWindow::drawScatter() {
    plotStyle::setTitles(m_scatter, tr("max |Δ| per module: A vs B (above the diagonal: B is worse)"), tr("A max |Δ|"),
                         tr("B max |Δ|"));
    std::vector<const ModuleDelta*>& points = m_scatterPoints;
    points.clear();
    double low = std::numeric_limits<double>::infinity(), high = 0;
    int zerosSame = 0, zerosWorse = 0, zerosBetter = 0;  // in both reports, a zero max |Δ| in one: not drawn
    if (m_comparison) {
        for (const ModuleDelta& m : m_comparison->modules) {
            if (!m.a || !m.b) continue;
            if (m.a->maxAbs <= 0 || m.b->maxAbs <= 0) {  // zeros have no place on log axes: counted, named below
                ++(m.worse() ? zerosWorse : m.better() ? zerosBetter : zerosSame);
                continue;
            }
            points.push_back(&m);
            low = std::min({low, m.a->maxAbs, m.b->maxAbs});
            high = std::max({high, m.a->maxAbs, m.b->maxAbs});
        }
    }
    plotStyle::setEmptyMessage(m_scatter,
                               points.empty() ? tr("No module with a non-zero max |Δ| in both reports") : QString());
    for (QCPAxis* axis : {m_scatter->xAxis, m_scatter->yAxis}) plotStyle::setLogAxis(axis);
    if (points.empty()) return;
    const auto name = [this](const QString& what, int zeros) {
        return zeros == 0 ? what : tr("%1 (+%2 with max |Δ| 0 in A or B, not on the log axes)").arg(what).arg(zeros);
    };
    QCPGraph* same = addCurve(m_scatter, name(tr("unchanged verdict"), zerosSame), plotStyle::kNeutral);
    QCPGraph* worse = addCurve(m_scatter, name(tr("worse"), zerosWorse), plotStyle::kFail);
    QCPGraph* better = addCurve(m_scatter, name(tr("better"), zerosBetter), plotStyle::kPass);
    for (QCPGraph* g : {same, worse, better}) {
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, g->pen().color(), 5));
    }
    for (const ModuleDelta* m : points)
        (m->worse() ? worse : m->better() ? better : same)->addData(m->a->maxAbs, m->b->maxAbs);
    auto* diagonal = new QCPItemStraightLine(m_scatter);
    diagonal->point1->setCoords(low, low);
    diagonal->point2->setCoords(high, high);
    diagonal->setPen(QPen(plotStyle::kNeutral, 1, Qt::DashLine));
    m_scatter->xAxis->setRange(low / 2, high * 2);
    m_scatter->yAxis->setRange(low / 2, high * 2);
}

QString CompareWindow::scatterToolTipAt(const QPointF& pixel) const {
    const int i = scatterPointAt(pixel);
    if (i < 0) return {};
    const ModuleDelta& m = *m_scatterPoints[i];
    return tr("%1\nmax |Δ| A %2, B %3%4")
        .arg(qs(m.module), formatNumber(m.a->maxAbs), formatNumber(m.b->maxAbs),
             m.worse() ? tr(" · worse") : (m.better() ? tr(" · better") : QString()));
}

int CompareWindow::scatterPointAt(const QPointF& pixel) const {
    constexpr double kReachPx = 6.0;
    int best = -1;
    double bestDistance = kReachPx * kReachPx;
    for (int i = 0; i < static_cast<int>(m_scatterPoints.size()); ++i) {
        const ModuleDelta& m = *m_scatterPoints[i];
        const QPointF point(m_scatter->xAxis->coordToPixel(m.a->maxAbs), m_scatter->yAxis->coordToPixel(m.b->maxAbs));
        const QPointF d = point - pixel;
        const double distance = d.x() * d.x() + d.y() * d.y();
        if (distance <= bestDistance) {
            bestDistance = distance;
            best = i;
        }
    }
    return best;
}

void CompareWindow::drawHistograms() {
    plotStyle::setTitles(m_histograms, tr("|Δlogit| histograms"), tr("|Δlogit|"), tr("count"));
    const bool any = (m_a && m_a->logits) || (m_b && m_b->logits);
    plotStyle::setEmptyMessage(m_histograms, any ? QString() : tr("No logits check in either report"));
    if (m_a && m_a->logits) drawAbsDiffHistogram(m_histograms, m_a->logits->absDiff, kColourA, tr("A"));
    if (m_b && m_b->logits) drawAbsDiffHistogram(m_histograms, m_b->logits->absDiff, kColourB, tr("B"));
    m_histograms->yAxis->rescale();  // x stays on the bins with data (drawAbsDiffHistogram widened it for both)
    m_histograms->yAxis->setRange(0.5, m_histograms->yAxis->range().upper * 3);
}

void CompareWindow::drawLayers() {
    plotStyle::setTitles(m_layers, tr("Hidden-state max |Δ| per decoder layer"), tr("decoder layer"), tr("max |Δ|"));
    plotStyle::setLogY(m_layers, true);
    const bool any = m_comparison && !m_comparison->layers.empty();
    plotStyle::setEmptyMessage(m_layers, any ? QString() : tr("No activations check in either report"));
    if (!any) return;
    int zerosA = 0, zerosB = 0;
    QCPGraph* a = addCurve(m_layers, tr("A"), kColourA);
    QCPGraph* b = addCurve(m_layers, tr("B"), kColourB);
    const auto add = [](QCPGraph* graph, int layer, const std::optional<double>& value, int& zeros) {
        if (!value) return;
        if (*value > 0)
            graph->addData(layer, *value);
        else
            ++zeros;  // a zero has no log: that point is left out, not faked
    };
    for (const LayerDelta& l : m_comparison->layers) {
        add(a, l.layer, l.maxAbsA, zerosA);
        add(b, l.layer, l.maxAbsB, zerosB);
    }
    if (zerosA > 0) a->setName(tr("A (%1 layers at 0, not on the log axis)").arg(zerosA));
    if (zerosB > 0) b->setName(tr("B (%1 layers at 0, not on the log axis)").arg(zerosB));
    for (QCPGraph* g : {a, b}) g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
    m_layers->rescaleAxes();
    m_layers->xAxis->setRange(m_layers->xAxis->range().lower - 0.5, m_layers->xAxis->range().upper + 0.5);
    m_layers->yAxis->setRange(m_layers->yAxis->range().lower / 2, m_layers->yAxis->range().upper * 2);
}

void CompareWindow::drawPositions() {
    plotStyle::setTitles(m_positions, tr("max |Δlogit| per token position (all prompts)"), tr("token position"),
                         tr("max |Δlogit|"));
    const bool any = (m_a && m_a->logits) || (m_b && m_b->logits);
    plotStyle::setEmptyMessage(m_positions, any ? QString() : tr("No logits check in either report"));
    for (const auto& [report, name, colour] :
         {std::tuple{m_a, tr("A"), kColourA}, std::tuple{m_b, tr("B"), kColourB}}) {
        if (!report || !report->logits) continue;
        QCPGraph* graph = addCurve(m_positions, name, colour);
        for (std::size_t i = 0; i < report->logits->perPositionMaxAbs.size(); ++i)
            graph->addData(i, report->logits->perPositionMaxAbs[i]);
    }
    m_positions->rescaleAxes();
    m_positions->yAxis->setRangeLower(0);
}

}  // namespace ql::ui
