// What the inspector shows of report schema 2, on the fixture reports: each convert deployment
// with its verdict, argmax agreement vs the threshold and logit gap vs the convert tolerance, and
// its own type-transition picture where it differs; the token × layer heat map from
// perPositionRelativeL2 with the prompts' token text; both sides' top-k tokens from
// LogitsCheck::topTokens; both group sizes from trainGroupSize; every check's rule and explanation.
#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTextBrowser>

#include "sample_report.h"
#include "ui/check_display.h"
#include "ui/format.h"
#include "ui/models/convert_rows_model.h"
#include "ui/models/weight_modules_model.h"
#include "ui/pages/activations_page.h"
#include "ui/pages/layers_page.h"
#include "ui/pages/overview_page.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"
#include "ui/report_views.h"

namespace ql::ui {
namespace {

// Every shown text item of a plot (the transitions picture's boxes and captions), in drawing order.
QStringList itemTexts(QCustomPlot* plot) {
    QStringList texts;
    for (int i = 0; i < plot->itemCount(); ++i) {
        auto* text = qobject_cast<QCPItemText*>(plot->item(i));
        if (text && text->visible() && !text->text().isEmpty()) texts << text->text();
    }
    return texts;
}

TEST(Schema2Views, LayersTabShowsEveryDeploymentJudgedByTheRule) {
    LayersPage page;
    page.setReport(test::scaleReportPtr(36));
    ASSERT_EQ(page.deploymentCount(), 2);
    const QString totals = page.explanationHtml();
    EXPECT_TRUE(totals.contains(QStringLiteral("converted base, LoRA served unmerged (as evaluated)")))
        << totals.toStdString();
    EXPECT_TRUE(totals.contains(QStringLiteral("LoRA merged, then converted")));
    // The fixture opts in to the notebook's argmax threshold; flips are counted by their margins.
    EXPECT_TRUE(totals.contains(
        QStringLiteral("argmax agreement %1 (flips: 0 near tie, 0 beyond the tolerance, threshold ≥ %2)")
            .arg(formatPercent(0.9375), formatPercent(1.0))))
        << totals.toStdString();
    EXPECT_TRUE(totals.contains(QStringLiteral("outside the convert tolerance (atol 1, rtol 0.1)")))
        << totals.toStdString();
    EXPECT_EQ(totals.count(QStringLiteral("✓ pass")), 1);  // like for like
    EXPECT_EQ(totals.count(QStringLiteral("✗ fail")), 1);  // merge, then convert
    EXPECT_TRUE(totals.contains(QStringLiteral("Q(W + s·BA) x vs FQ(W) x + s·B(A x)").toHtmlEscaped()));
    // The two deployments convert to different types (LoRA on top vs merged): both in the picture,
    // the shown one first, each under its title.
    EXPECT_EQ(page.otherDeployment(), 1);
    ASSERT_EQ(page.plots().size(), 2);
    QStringList texts = itemTexts(page.transitionsPlot());
    // 2 captions; like for like has 2 groups (decoder with the LoRA on top, lm_head), merged 1; 3 boxes each
    ASSERT_EQ(texts.size(), 2 + 3 * 3);
    EXPECT_EQ(texts[0], QStringLiteral("converted base, LoRA served unmerged (as evaluated)"));
    EXPECT_TRUE(texts[3].startsWith(QStringLiteral("Linear[Int4Tensor plain g128] + LoRA (unmerged)")))
        << texts[3].toStdString();
    EXPECT_EQ(texts[7], QStringLiteral("LoRA merged, then converted"));
    EXPECT_TRUE(texts[10].startsWith(QStringLiteral("Linear[Int4Tensor plain g128]\n"))) << texts[10].toStdString();
    page.setDeployment(1);
    EXPECT_EQ(page.otherDeployment(), 0);
    texts = itemTexts(page.transitionsPlot());
    ASSERT_FALSE(texts.isEmpty());
    EXPECT_EQ(texts[0], QStringLiteral("LoRA merged, then converted"));
}

TEST(Schema2Views, OneDeploymentHasNoCaption) {
    LayersPage page;
    page.setReport(test::sampleReportPtr());
    EXPECT_EQ(page.deploymentCount(), 1);
    EXPECT_EQ(page.otherDeployment(), -1);
    const QStringList texts = itemTexts(page.transitionsPlot());
    ASSERT_EQ(texts.size(), 3);  // one group, three boxes
    EXPECT_TRUE(texts[0].startsWith(QStringLiteral("Linear\n"))) << texts[0].toStdString();
}

TEST(Schema2Views, ConvertTableShowsTheChosenDeploymentsRows) {
    const auto report = test::scaleReportPtr(36);
    ConvertRowsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setDeploymentRows(report, &report->convert->deployments[0].modules);
    const auto typeAfter = [&] {
        return model.data(model.index(0, ConvertRowsModel::TypeAfter), Qt::DisplayRole).toString();
    };
    EXPECT_TRUE(typeAfter().endsWith(QStringLiteral("+ LoRA (unmerged)"))) << typeAfter().toStdString();
    model.setDeploymentRows(report, &report->convert->deployments[1].modules);
    EXPECT_EQ(typeAfter(), QStringLiteral("Linear[Int4Tensor plain g128]"));
}

TEST(Schema2Views, OverviewNamesTheMergeThenConvertVerdictAmongTheConvertNumbers) {
    const auto report = test::scaleReportPtr(4);
    const QString numbers = displayNumbersText(report->checks[4]);
    EXPECT_TRUE(numbers.contains(
        QStringLiteral("LoRA merged, then converted: argmax agreement: %1").arg(formatPercent(0.9375))))
        << numbers.toStdString();
    EXPECT_TRUE(numbers.contains(QStringLiteral("LoRA merged, then converted: verdict: fail")))
        << numbers.toStdString();
}

TEST(Schema2Views, TokenHeatMapAndTopTokensComeFromTheReport) {
    ReportView view;
    view.resize(1280, 800);
    view.setReport(test::scaleReportPtr(36));
    const auto& report = *view.report();
    const QStringList tokens = positionTokens(report);
    ASSERT_EQ(tokens.size(), 10);
    EXPECT_EQ(tokens[0], QStringLiteral("hello"));
    EXPECT_EQ(tokens[6], QStringLiteral(" world"));
    const auto rows = positionDivergence(report);
    ASSERT_EQ(rows.size(), 36u);
    EXPECT_EQ(rows[7], report.activations->layers[7].perPositionRelativeL2);
    // Position 2: the eval side swaps the train side's first two tokens.
    ActivationsPage* page = view.activations();
    page->setPosition(2);
    QTableWidget* table = page->topTokensTable();
    ASSERT_EQ(table->rowCount(), 5);
    EXPECT_EQ(table->item(0, 1)->text(), QStringLiteral(","));  // id 11
    EXPECT_EQ(table->item(0, 3)->text(), QStringLiteral("!"));  // id 0
    EXPECT_EQ(table->item(1, 3)->text(), QStringLiteral(","));
    EXPECT_EQ(table->item(0, 2)->text(), formatNumber(report.logits->topTokens[2].trainLogits[0]));
    EXPECT_EQ(table->item(0, 4)->text(), formatNumber(report.logits->topTokens[2].evalLogits[0]));
    // An id no prompt holds has no text in the report: its id is shown.
    page->setPosition(1);
    EXPECT_EQ(table->item(4, 1)->text(), QStringLiteral("#100"));
}

TEST(Schema2Views, TokensWithoutATokenizerAreTheirIds) {
    VerifyReport report = test::sampleReport();
    report.prompts[1].tokens.clear();
    const QStringList tokens = positionTokens(report);
    ASSERT_EQ(tokens.size(), 10);
    EXPECT_EQ(tokens[4], QStringLiteral("!"));
    EXPECT_EQ(tokens[5], QStringLiteral("#1782"));
}

TEST(Schema2Views, GroupColumnShowsBothSidesWhenTheyDiffer) {
    VerifyReport report = test::sampleReport();
    report.weights->modules[0].trainGroupSize = 64;
    report.weights->modules[1].trainGroupSize = 0;
    WeightModulesModel model;
    model.setReport(std::make_shared<const VerifyReport>(report));
    const auto group = [&](int row) {
        return model.data(model.index(row, WeightModulesModel::Group), Qt::DisplayRole).toString();
    };
    EXPECT_EQ(group(0), QStringLiteral("64 / 32"));
    EXPECT_EQ(group(1), QStringLiteral("none / 32"));
    EXPECT_EQ(group(2), QStringLiteral("32"));
    EXPECT_EQ(groupSizesText(report.weights->modules[0], GroupSizesForm::Long), QStringLiteral("train 64, eval 32"));
}

TEST(Schema2Views, EveryCheckShowsTheEnginesRuleAndExplanation) {
    OverviewPage page;
    const auto report = test::scaleReportPtr(4);
    page.setReport(report);
    const QString body = page.explanations()->toPlainText();
    for (const CheckSummary& check : report->checks) {
        EXPECT_TRUE(body.contains(qs(check.rule))) << check.rule;
        EXPECT_TRUE(body.contains(qs(check.explanation))) << check.explanation;
    }
}

}  // namespace
}  // namespace ql::ui
