// The compare window on two 561-module reports (before vs after a fix): checks that changed
// verdict, per-module deltas with a changed-only filter, and the overlaid curves.
#include "ui/compare/compare_window.h"

#include <gtest/gtest.h>
#include <quantlens/report_io.h>

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>

#include "sample_report.h"
#include "ui/compare/compare_models.h"
#include "ui/format.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"

namespace ql::ui {
namespace {

// B: layer 5 fixed (within tolerance), layer 7's up_proj broken; weights check still failing.
VerifyReport afterFix() {
    VerifyReport b = test::scaleReport(80);
    for (WeightModuleResult& m : b.weights->modules) {
        if (m.layerIndex == 5) m.pass = true;
        if (m.module == "model.layers.7.mlp.up_proj") {
            m.pass = false;
            m.diff.maxAbs *= 8;
        }
    }
    b.checks[3].status = CheckStatus::Pass;  // activations
    b.logits->perPositionMaxAbs[3] = 0.5;
    return b;
}

TEST(CompareWindow, ShowsVerdictChangesDeltasAndCurves) {
    CompareWindow window;
    window.resize(1280, 800);
    QAbstractItemModelTester checksTester(window.checksModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester modulesTester(window.modulesProxy(),
                                           QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester numbersTester(window.numbersModel(),
                                           QAbstractItemModelTester::FailureReportingMode::Fatal);
    window.setReports(test::scaleReportPtr(80), QStringLiteral("before.json"),
                      std::make_shared<const VerifyReport>(afterFix()), QStringLiteral("after.json"));
    ASSERT_TRUE(window.comparison());
    EXPECT_EQ(window.modulesModel()->rowCount(), test::scaleModules(80));
    EXPECT_GE(window.numbersModel()->rowCount(), 8);
    EXPECT_EQ(window.numbersModel()->data(window.numbersModel()->index(0, 0), Qt::DisplayRole).toString(),
              QStringLiteral("weights max |Δ|"));
    EXPECT_EQ(window.comparison()->modulesBetter(), 7);
    EXPECT_EQ(window.comparison()->modulesWorse(), 1);
    EXPECT_TRUE(window.verdictLabel()->text().contains(QStringLiteral("got worse")))
        << window.verdictLabel()->text().toStdString();
    const QModelIndex activations = window.checksModel()->index(3, 3);
    EXPECT_TRUE(window.checksModel()->data(activations, Qt::DisplayRole).toString().contains(QStringLiteral("better")));
    window.setChangedOnly(true);
    EXPECT_EQ(window.modulesProxy()->rowCount(), 8);  // verdicts changed; the other max |Δ| are equal
    window.setChangedOnly(false);
    EXPECT_EQ(window.modulesProxy()->rowCount(), test::scaleModules(80));
    for (QCustomPlot* plot : window.plots()) EXPECT_GT(plot->plottableCount(), 0) << plot->objectName().toStdString();
    window.show();
    QCustomPlot* scatter = window.plots().first();
    scatter->replot();
    const ModuleDelta* upProj = nullptr;
    for (const ModuleDelta& m : window.comparison()->modules) {
        if (m.module == "model.layers.7.mlp.up_proj") upProj = &m;
    }
    ASSERT_TRUE(upProj);
    const QPointF pixel(scatter->xAxis->coordToPixel(upProj->a->maxAbs),
                        scatter->yAxis->coordToPixel(upProj->b->maxAbs));
    const QString tip = window.scatterToolTipAt(pixel);
    EXPECT_TRUE(tip.contains(QStringLiteral("model.layers.7.mlp.up_proj"))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(QStringLiteral("worse")));
}

TEST(CompareWindow, ReadsTwoReportJsonsOffTheGuiThread) {
    QTemporaryDir dir;
    const QString a = dir.filePath(QStringLiteral("a.json")), b = dir.filePath(QStringLiteral("b.json"));
    ASSERT_TRUE(writeReportJson(test::scaleReport(36), a.toStdString()).ok());
    ASSERT_TRUE(writeReportJson(afterFix(), b.toStdString()).ok());
    CompareWindow window;
    QSignalSpy ready(&window, &CompareWindow::comparisonReady);
    window.openReports(a, b);
    ASSERT_TRUE(ready.wait(20000));
    ASSERT_TRUE(window.comparison());
    EXPECT_EQ(window.modulesModel()->rowCount(), test::scaleModules(80));  // 36-layer A ∪ 80-layer B
}

// A: the fixture with both deployments passing; B: the fixture, where merge, then convert fails.
// The convert check's verdict (about like for like) does not change, the deployment's does.
TEST(CompareWindow, ADeploymentThatStopsPassingIsAVerdictGettingWorse) {
    VerifyReport a = test::scaleReport(36);
    a.convert->deployments[1].pass = true;
    a.convert->deployments[1].argmaxAgreement = 1.0;
    CompareWindow window;
    QAbstractItemModelTester tester(window.deploymentsModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    window.setReports(std::make_shared<const VerifyReport>(a), QStringLiteral("a.json"), test::scaleReportPtr(36),
                      QStringLiteral("b.json"));
    ASSERT_TRUE(window.comparison());
    EXPECT_TRUE(window.comparison()->gotWorse());
    CompareDeploymentsModel* model = window.deploymentsModel();
    ASSERT_EQ(model->rowCount(), 2);
    const auto cell = [&](int row, int column) {
        return model->data(model->index(row, column), Qt::DisplayRole).toString();
    };
    EXPECT_EQ(cell(1, CompareDeploymentsModel::Deployment), QStringLiteral("LoRA merged, then converted"));
    EXPECT_EQ(cell(1, CompareDeploymentsModel::VerdictA), QStringLiteral("✓ pass"));
    EXPECT_EQ(cell(1, CompareDeploymentsModel::VerdictB), QStringLiteral("✗ fail"));
    EXPECT_EQ(cell(1, CompareDeploymentsModel::ArgmaxB), formatPercent(0.9375));
    EXPECT_TRUE(cell(1, CompareDeploymentsModel::Change).contains(QStringLiteral("worse")));
    EXPECT_TRUE(cell(0, CompareDeploymentsModel::Change).isEmpty());
    const QString verdict = window.verdictLabel()->text();
    EXPECT_TRUE(verdict.contains(QStringLiteral("LoRA merged, then converted"))) << verdict.toStdString();
    EXPECT_FALSE(verdict.contains(QStringLiteral("merge_then_convert")))
        << verdict.toStdString();  // the title, not the id
    CompareNumbersModel* numbers = window.numbersModel();
    int titled = 0;
    for (int row = 0; row < numbers->rowCount(); ++row) {
        const QString name = numbers->data(numbers->index(row, 0), Qt::DisplayRole).toString();
        EXPECT_FALSE(name.contains(QStringLiteral("like_for_like")) ||
                     name.contains(QStringLiteral("merge_then_convert")))
            << name.toStdString();
        titled += name.startsWith(QStringLiteral("LoRA merged, then converted:")) ? 1 : 0;
    }
    EXPECT_EQ(titled, 2);  // its logits max |Δ| and argmax agreement
}

// Every check fails in A and in B: nothing got worse, but the headline must not read as all clear.
TEST(CompareWindow, NothingWorseButFailingInBothIsNotGreen) {
    const auto failing = std::make_shared<const VerifyReport>(test::allFailingReport());
    CompareWindow window;
    window.setReports(failing, QStringLiteral("a.json"), failing, QStringLiteral("b.json"));
    ASSERT_TRUE(window.comparison());
    const QString verdict = window.verdictLabel()->text();
    EXPECT_TRUE(verdict.contains(QStringLiteral("6 of 6 checks fail in both"))) << verdict.toStdString();
    EXPECT_FALSE(window.verdictLabel()->styleSheet().contains(plotStyle::kPass.name()))
        << window.verdictLabel()->styleSheet().toStdString();
    const auto identical = std::make_shared<const VerifyReport>(test::identicalReport(2));
    window.setReports(identical, QStringLiteral("a.json"), identical, QStringLiteral("b.json"));
    EXPECT_TRUE(window.verdictLabel()->text().contains(QStringLiteral("every check passes in B")))
        << window.verdictLabel()->text().toStdString();
    EXPECT_TRUE(window.verdictLabel()->styleSheet().contains(plotStyle::kPass.name()));
}

}  // namespace
}  // namespace ql::ui
