// The comparison written as the compare window shows it (Export… and `compare --export`): the
// headline, every table as filtered, the plots; PDF, HTML and Markdown from the same document; an
// unknown suffix writes nothing.
#include "ui/compare/compare_export.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>

#include "sample_report.h"
#include "ui/compare/compare_models.h"
#include "ui/compare/compare_window.h"
#include "ui/plots/qcp.h"

namespace ql::ui {
namespace {

QString readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

class CompareExport : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(dir.isValid());
        window.resize(1280, 800);
        window.setReports(test::sampleReportPtr(), QStringLiteral("before.json"),
                          std::make_shared<const VerifyReport>(test::allFailingReport()), QStringLiteral("after.json"));
        ASSERT_TRUE(window.comparison());
    }
    QString path(const char* name) const { return dir.filePath(QString::fromLatin1(name)); }
    QTemporaryDir dir;
    CompareWindow window;
};

TEST_F(CompareExport, DocumentHasTheHeadlineTheTablesAndThePlotsTheWindowShows) {
    const ExportDocument document = comparisonDocument(window);
    EXPECT_EQ(document.headline.text, window.verdictLabel()->text());
    EXPECT_FALSE(document.headline.passed);
    ASSERT_EQ(document.sections.size(), 3u);
    EXPECT_EQ(document.sections[0].tables.size(), 3);
    EXPECT_TRUE(document.sections[0].summary.contains(QStringLiteral("before.json")));
    EXPECT_TRUE(document.sections[0].explanationHtml.contains(QStringLiteral("within → out of tolerance")));
    ASSERT_EQ(document.sections[1].tables.size(), 1);
    EXPECT_EQ(document.sections[1].tables[0], window.modulesProxy());  // as filtered and sorted
    // On paper: the same rows in the seven columns an A4 page has room for.
    ASSERT_EQ(document.sections[1].paperTables.size(), 1);
    const QAbstractItemModel* paper = document.sections[1].paperTables[0].model;
    EXPECT_EQ(paper->columnCount(), 7);
    EXPECT_EQ(paper->rowCount(), window.modulesProxy()->rowCount());
    EXPECT_EQ(
        paper->headerData(6, Qt::Horizontal).toString(),
        window.modulesModel()->headerData(CompareModulesModel::Change, Qt::Horizontal, Qt::DisplayRole).toString());
    EXPECT_EQ(document.sections[1].plots.size() + document.sections[2].plots.size(), window.plots().size());
    EXPECT_TRUE(window.exportButton()->isEnabled());
}

TEST_F(CompareExport, HtmlMarkdownAndPdfFromOneDocument) {
    window.setChangedOnly(true);
    const int shownModules = window.modulesProxy()->rowCount();
    ASSERT_GT(shownModules, 0);
    ASSERT_TRUE(writeComparison(window, path("c.html")).ok());
    const QString html = readAll(path("c.html"));
    EXPECT_TRUE(html.contains(window.verdictLabel()->text().toHtmlEscaped()));
    EXPECT_EQ(html.count(QStringLiteral("<svg")), window.plots().size());
    EXPECT_EQ(html.count(QStringLiteral("<table>")), 4);  // checks, deployments, numbers, modules

    ASSERT_TRUE(writeComparison(window, path("c.md")).ok());
    const QString md = readAll(path("c.md"));
    EXPECT_TRUE(md.startsWith(QStringLiteral("# QuantLens report comparison")));
    EXPECT_TRUE(md.contains(QStringLiteral("**%1**").arg(window.verdictLabel()->text())));
    const QString module = window.modulesProxy()->index(0, CompareModulesModel::Module).data().toString();
    EXPECT_TRUE(md.contains(QStringLiteral("| %1 |").arg(module))) << module.toStdString();
    // every row the window shows, one table line each (plus header and rule) in the Modules section
    const QString modulesPart = md.mid(md.indexOf(QStringLiteral("## Modules")));
    EXPECT_EQ(modulesPart.left(modulesPart.indexOf(QStringLiteral("## Curves")))
                  .count(QRegularExpression(QStringLiteral("(?m)^\\| "))),
              shownModules + 2);

    ASSERT_TRUE(writeComparison(window, path("c.pdf")).ok());
    QFile pdf(path("c.pdf"));
    ASSERT_TRUE(pdf.open(QIODevice::ReadOnly));
    EXPECT_TRUE(pdf.read(5).startsWith("%PDF-"));
    EXPECT_GT(pdf.size(), 10000);
}

// sample -> all failing: five modules go from max |Δ| 0 (bit-identical) to out of tolerance; a log
// scatter cannot draw them, so the legend counts them instead of showing an empty "worse".
TEST_F(CompareExport, TheScatterNamesTheModulesItCannotDraw) {
    QCustomPlot* scatter = window.plots().at(0);
    QStringList names;
    for (int i = 0; i < scatter->graphCount(); ++i) names << scatter->graph(i)->name();
    EXPECT_TRUE(names.contains(QStringLiteral("worse (+5 with max |Δ| 0 in A or B, not on the log axes)")))
        << names.join(QStringLiteral("; ")).toStdString();
    EXPECT_TRUE(names.contains(QStringLiteral("unchanged verdict"))) << names.join(QStringLiteral("; ")).toStdString();
}

TEST_F(CompareExport, AnUnknownSuffixWritesNothing) {
    EXPECT_FALSE(writeComparison(window, path("c.txt")).ok());
    EXPECT_FALSE(QFileInfo::exists(path("c.txt")));
    EXPECT_TRUE(QDir(dir.path()).entryList(QDir::Files).isEmpty());
}

TEST_F(CompareExport, HeadlessExportNeedsAnExistingFolder) {
    const auto status = exportComparison(test::sampleReport(), "a.json", test::allFailingReport(), "b.json",
                                         path("missing/c.pdf").toStdString());
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("folder does not exist"), std::string::npos);
    EXPECT_TRUE(exportComparison(test::sampleReport(), "a.json", test::allFailingReport(), "b.json",
                                 path("c.html").toStdString())
                    .ok());
    EXPECT_TRUE(readAll(path("c.html")).contains(QStringLiteral("a.json")));
}

}  // namespace
}  // namespace ql::ui
