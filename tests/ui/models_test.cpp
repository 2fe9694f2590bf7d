// Every report model under QAbstractItemModelTester, plus what each one shows from the fixture.
#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>

#include "sample_report.h"
#include "ui/models/check_summary_model.h"
#include "ui/models/config_diff_model.h"
#include "ui/models/convert_rows_model.h"
#include "ui/models/warnings_model.h"
#include "ui/models/weight_modules_model.h"
#include "ui/models/worst_elements_model.h"

namespace ql::ui {
namespace {

template <typename Model>
void exerciseSetReport(Model& model) {
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setReport(test::sampleReportPtr());
    model.setReport(nullptr);
    EXPECT_EQ(model.rowCount(), 0);
    model.setReport(test::sampleReportPtr());
}

TEST(CheckSummaryModel, OneRowPerCheckWithKindRole) {
    CheckSummaryModel model;
    exerciseSetReport(model);
    ASSERT_EQ(model.rowCount(), 6);
    EXPECT_EQ(model.data(model.index(1, 0), Qt::DisplayRole).toString(), QStringLiteral("Weights"));
    EXPECT_TRUE(model.data(model.index(1, 1), Qt::DisplayRole).toString().contains(QStringLiteral("fail")));
    EXPECT_EQ(model.data(model.index(4, 0), kCheckKindRole).toInt(), static_cast<int>(CheckKind::Convert));
}

TEST(ConfigDiffModel, DifferingRowsAreTintedAndExplained) {
    ConfigDiffModel model;
    exerciseSetReport(model);
    ASSERT_EQ(model.rowCount(), 3);
    EXPECT_TRUE(model.data(model.index(0, 0), Qt::BackgroundRole).isValid());   // changes numerics
    EXPECT_FALSE(model.data(model.index(1, 0), Qt::BackgroundRole).isValid());  // same
    EXPECT_EQ(model.data(model.index(0, 0), Qt::ToolTipRole).toString(),
              QStringLiteral("groups of 32 vs 128 elements"));
}

TEST(ConfigDiffModel, ProxyFiltersDifferencesOnly) {
    ConfigDiffModel model;
    model.setReport(test::sampleReportPtr());
    QSortFilterProxyModel proxy;
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
    proxy.setSourceModel(&model);
    proxy.setFilterKeyColumn(ConfigDiffModel::Verdict);
    proxy.setFilterRegularExpression(QStringLiteral("^(?!same$)"));
    EXPECT_EQ(proxy.rowCount(), 2);
}

TEST(WeightModulesModel, SortsNumericallyThroughTheSortRole) {
    WeightModulesModel model;
    exerciseSetReport(model);
    ASSERT_EQ(model.rowCount(), test::kSampleModules);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(kSortRole);
    proxy.sort(WeightModulesModel::MaxAbs, Qt::DescendingOrder);
    EXPECT_EQ(proxy.mapToSource(proxy.index(0, 0)).row(), test::kSampleFailingModule);
    EXPECT_TRUE(model.headerData(WeightModulesModel::Sqnr, Qt::Horizontal, Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("10·log10")));
    EXPECT_EQ(model.data(model.index(0, WeightModulesModel::Sqnr), Qt::DisplayRole).toString(), QStringLiteral("∞ dB"));
}

TEST(WorstElementsModel, FollowsTheSelectedModule) {
    WorstElementsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    const auto report = test::sampleReportPtr();
    model.setModule(report, test::kSampleFailingModule);
    EXPECT_EQ(model.rowCount(), 2);
    model.setModule(report, 0);
    EXPECT_EQ(model.rowCount(), 0);
    model.setModule(report, 99);
    EXPECT_EQ(model.rowCount(), 0);
}

TEST(ConvertRowsModel, ShowsBytesAndCompression) {
    ConvertRowsModel model;
    exerciseSetReport(model);
    ASSERT_EQ(model.rowCount(), test::kSampleModules);
    EXPECT_EQ(model.data(model.index(0, 8), kSortRole).toDouble(), 16384.0 / 4608.0);
}

TEST(WarningsModel, ListsReportWarnings) {
    WarningsModel model;
    exerciseSetReport(model);
    ASSERT_EQ(model.rowCount(), 1);
    EXPECT_EQ(model.data(model.index(0, 1), Qt::DisplayRole).toString(), QStringLiteral("lm_head"));
}

}  // namespace
}  // namespace ql::ui
