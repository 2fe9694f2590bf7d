// Tokens in Chinese and Cyrillic (a multilingual tokenizer's vocabulary) are drawn with real glyphs:
// the GUI's font (with Qt's fallbacks) maps every character to a glyph, and the PDF export embeds
// the fonts that carry them, so the text comes back out of the file. tools/ql setup installs
// fonts-noto-cjk (DejaVu, Qt's default here, has Cyrillic but no Han characters).
#include <gtest/gtest.h>

#include <QApplication>
#include <QFile>
#include <QGlyphRun>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextLayout>

#include "sample_report.h"
#include "ui/export/report_exporter.h"
#include "ui/report_view.h"

namespace ql::ui {
namespace {

const QString kChinese = QStringLiteral("量化模型");
const QString kCyrillic = QStringLiteral("Привет");

// The sample report with its first prompt's tokens in Chinese and Cyrillic (ids unchanged).
VerifyReport multilingualReport() {
    VerifyReport r = test::sampleReport();
    r.prompts[0].text = (kChinese + QLatin1Char(' ') + kCyrillic).toStdString();
    r.prompts[0].tokens = {kChinese.left(2).toStdString(), kChinese.mid(2).toStdString(),
                           (QLatin1Char(' ') + kCyrillic).toStdString(), "，", "！"};
    return r;
}

// Glyph indexes of `text` laid out in `font` with Qt's font fallback; 0 is the missing glyph.
QList<quint32> glyphIndexes(const QString& text, const QFont& font) {
    QTextLayout layout(text, font);
    layout.beginLayout();
    layout.createLine();
    layout.endLayout();
    QList<quint32> indexes;
    for (const QGlyphRun& run : layout.glyphRuns()) indexes += run.glyphIndexes();
    return indexes;
}

QString run(const QString& program, const QStringList& arguments) {
    const QString path = QStandardPaths::findExecutable(program);
    if (path.isEmpty()) {
        ADD_FAILURE() << program.toStdString() << " not found (poppler-utils)";
        return {};
    }
    QProcess process;
    process.start(path, arguments);
    EXPECT_TRUE(process.waitForFinished(120000));
    EXPECT_EQ(process.exitCode(), 0) << process.readAllStandardError().toStdString();
    return QString::fromUtf8(process.readAllStandardOutput());
}

TEST(GlyphCoverage, TheGuiFontHasAGlyphForEveryChineseAndCyrillicCharacter) {
    for (const QString& text : {kChinese, kCyrillic}) {
        const QList<quint32> glyphs = glyphIndexes(text, QApplication::font());
        EXPECT_EQ(glyphs.size(), text.size()) << text.toStdString();
        EXPECT_FALSE(glyphs.contains(0u)) << text.toStdString() << ": a character has no glyph in any font";
    }
}

TEST(GlyphCoverage, ThePdfEmbedsFontsCarryingChineseAndCyrillicTokens) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    ReportView view;
    view.resize(1200, 800);
    view.setReport(std::make_shared<const VerifyReport>(multilingualReport()));
    const QString pdf = dir.filePath(QStringLiteral("multilingual.pdf"));
    ASSERT_TRUE(ReportExporter(view).write(pdf).ok());

    // pdffonts: name type encoding emb sub uni object ID; every font embedded, one of them a CJK face.
    const QStringList fonts =
        run(QStringLiteral("pdffonts"), {pdf}).split(QLatin1Char('\n'), Qt::SkipEmptyParts).mid(2);
    ASSERT_FALSE(fonts.isEmpty());
    bool cjk = false;
    for (const QString& line : fonts) {
        const QStringList f = line.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
        ASSERT_GE(f.size(), 6) << line.toStdString();
        EXPECT_EQ(f[f.size() - 5], QStringLiteral("yes")) << "not embedded: " << line.toStdString();
        cjk = cjk || f[0].contains(QStringLiteral("CJK"));
    }
    EXPECT_TRUE(cjk) << fonts.join(QLatin1Char('\n')).toStdString();

    // The tokens come back out of the file as text (glyphs with their Unicode mapping).
    const QString text = run(QStringLiteral("pdftotext"), {pdf, QStringLiteral("-")});
    EXPECT_TRUE(text.contains(kChinese.left(2))) << "no Chinese token in the PDF's text";
    EXPECT_TRUE(text.contains(kCyrillic)) << "no Cyrillic token in the PDF's text";
}

}  // namespace
}  // namespace ql::ui
