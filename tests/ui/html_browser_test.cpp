// The HTML report in a real browser: Chromium (headless, 1280×800 window) loads the exported file
// with a measuring script added to a copy, and no table cell (td, th) may lie beyond 1280 px, on
// the demo's report (the real run) and on a 253-module report. tools/ql setup installs chromium.
#include <gtest/gtest.h>
#include <quantlens/demo_workspace.h>

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "sample_report.h"
#include "ui/export/report_exporter.h"
#include "ui/main_window.h"
#include "ui/report_view.h"
#include "ui/session/session_panel.h"
#include "ui/verify_job.h"

namespace ql::ui {
namespace {

constexpr int kWindowWidth = 1280;

// Appended to a copy of the page: after layout, the right edge of every table cell.
const char* kMeasure = R"(<script>
window.addEventListener('load', () => {
  const cells = document.querySelectorAll('td, th');
  let right = 0, beyond = 0, example = '';
  for (const cell of cells) {
    const r = cell.getBoundingClientRect().right;
    right = Math.max(right, r);
    if (r > 1280) { beyond++; if (!example) example = cell.textContent.slice(0, 80); }
  }
  const out = document.createElement('pre');
  out.id = 'ql-measure';
  out.textContent = 'cells=' + cells.length + ' right=' + Math.ceil(right) + ' beyond=' + beyond +
                    ' page=' + document.documentElement.scrollWidth + ' example=' + example;
  document.body.appendChild(out);
});
</script>)";

struct Measure {
    int cells = -1, right = -1, beyond = -1, page = -1;
    QString example;
};

// Loads `html` (a copy with the script) in headless Chromium and reads the measure back from the DOM.
Measure measureInChromium(const QString& html, const QTemporaryDir& dir) {
    const QString chromium = QStandardPaths::findExecutable(QStringLiteral("chromium"));
    if (chromium.isEmpty()) {
        ADD_FAILURE() << "chromium not found (tools/ql setup installs Debian's chromium)";
        return {};
    }
    QFile in(html);
    EXPECT_TRUE(in.open(QIODevice::ReadOnly));
    QString page = QString::fromUtf8(in.readAll());
    page.replace(QStringLiteral("</body>"), QString::fromLatin1(kMeasure) + QStringLiteral("</body>"));
    const QString copy = dir.filePath(QStringLiteral("measured.html"));
    QFile out(copy);
    EXPECT_TRUE(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
    out.write(page.toUtf8());
    out.close();
    QProcess process;
    process.start(chromium, {QStringLiteral("--headless"), QStringLiteral("--no-sandbox"),
                             QStringLiteral("--disable-gpu"), QStringLiteral("--window-size=%1,800").arg(kWindowWidth),
                             QStringLiteral("--user-data-dir=") + dir.filePath(QStringLiteral("profile")),
                             QStringLiteral("--dump-dom"), QStringLiteral("file://") + copy});
    EXPECT_TRUE(process.waitForFinished(120000)) << process.errorString().toStdString();
    const QString dom = QString::fromUtf8(process.readAllStandardOutput());
    const QRegularExpression line(
        QStringLiteral("cells=(\\d+) right=(\\d+) beyond=(\\d+) page=(\\d+) example=([^<]*)"));
    const QRegularExpressionMatch m = line.match(dom);
    EXPECT_TRUE(m.hasMatch()) << "no measure in the DOM; chromium said: "
                              << process.readAllStandardError().left(2000).toStdString();
    if (!m.hasMatch()) return {};
    return {m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt(), m.captured(4).toInt(), m.captured(5)};
}

void expectTablesFit(const QString& html, const QTemporaryDir& dir, int minimumCells) {
    const Measure m = measureInChromium(html, dir);
    EXPECT_GE(m.cells, minimumCells);
    EXPECT_EQ(m.beyond, 0) << "rightmost cell edge " << m.right << " px, e.g. '" << m.example.toStdString() << "'";
    EXPECT_LE(m.right, kWindowWidth);
    EXPECT_LE(m.page, kWindowWidth);
}

TEST(HtmlInBrowser, A253ModuleReportsTablesFit1280Px) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    ReportView view;
    view.resize(1200, 800);
    view.setReport(test::scaleReportPtr(36));
    const QString html = dir.filePath(QStringLiteral("report.html"));
    ASSERT_TRUE(ReportExporter(view).write(html).ok());
    expectTablesFit(html, dir, test::scaleModules(36));
}

TEST(HtmlInBrowser, TheDemoReportsTablesFit1280Px) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const auto demo = writeDemoWorkspace(dir.filePath(QStringLiteral("demo")).toStdString());
    ASSERT_TRUE(demo.ok()) << demo.error().message;
    MainWindow window(&makeVerifyJob);
    ASSERT_TRUE(window.sessionPanel()->loadFolder(QString::fromStdString(demo->directory)));
    QSignalSpy finished(window.runner(), &JobRunner::finished);
    window.runVerify();
    ASSERT_TRUE(finished.wait(180000));
    ASSERT_TRUE(window.reportView()->report());
    const QString html = dir.filePath(QStringLiteral("demo.html"));
    ASSERT_TRUE(ReportExporter(*window.reportView()).write(html).ok());
    expectTablesFit(html, dir, 20);
}

}  // namespace
}  // namespace ql::ui
