#include "ui/pages/overview_page.h"

#include <QHeaderView>
#include <QLabel>
#include <QRegularExpression>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "ui/diagnosis_text.h"
#include "ui/export/verdict_headline.h"
#include "ui/format.h"
#include "ui/models/check_summary_model.h"
#include "ui/report_views.h"
#include "ui/widgets/table_views.h"
#include "ui/widgets/what_to_change_card.h"

namespace ql::ui {

namespace {
QString sideLine(const QString& name, const SideSummary& side) {
    QString adapter = side.adapterDir.empty()
                          ? QObject::tr("no adapter")
                          : QObject::tr("adapter %1 (%2)").arg(qs(side.adapterDir), qs(side.adapterForm));
    return QStringLiteral("<b>%1</b>: %2 · %3 · %4 · numerics %5 · torchao %6 · %7")
        .arg(name, qs(side.modelDir).toHtmlEscaped(), adapter.toHtmlEscaped(), qs(side.dtype), qs(side.deviceNumerics),
             qs(side.torchaoVersion), qs(side.quantization).toHtmlEscaped());
}

QString toleranceText(const Tolerance& t) {
    return QObject::tr("atol %1, rtol %2").arg(formatNumber(t.atol), formatNumber(t.rtol));
}

QString statusColour(CheckStatus status) {
    switch (status) {
        case CheckStatus::Pass:
            return QStringLiteral("#2e7d32");
        case CheckStatus::Fail:
        case CheckStatus::Error:
            return QStringLiteral("#c62828");
        case CheckStatus::Skipped:
        case CheckStatus::Info:
            return QStringLiteral("#757575");
    }
    return {};
}
}  // namespace

QString runSetupHtml(const VerifyReport& r) {
    return sideLine(QObject::tr("Train"), r.train) + QStringLiteral("<br>") + sideLine(QObject::tr("Eval"), r.eval) +
           QStringLiteral("<br>") +
           QObject::tr(
               "<b>Run</b>: device %1 · attention %2 · %3 prompts, %4 positions · %5 s · QuantLens %6, %7<br>"
               "<b>Tolerances</b>: weights %8 · logits and hidden states %9 · convert (fake quant vs deployed "
               "logits) %10, argmax %11 · a pair is close when |a−b| ≤ atol OR |a−b| ≤ rtol·|b| (b = eval side)")
               .arg(qs(r.device).toHtmlEscaped(), qs(r.attention))
               .arg(r.prompts.size())
               .arg(r.logits ? r.logits->tokens : 0)
               .arg(r.wallSeconds, 0, 'f', 1)
               .arg(qs(r.quantlensVersion).toHtmlEscaped(), qs(r.createdUtc).toHtmlEscaped(),
                    toleranceText(r.weightTolerance), toleranceText(r.logitTolerance),
                    toleranceText(r.convertTolerance),
                    r.convert && r.convert->argmaxThreshold
                        ? QObject::tr("agreement ≥ %1").arg(formatPercent(*r.convert->argmaxThreshold))
                        : QObject::tr("flips judged by their margin"));
}

QString explanationsHtml(const VerifyReport& r) {
    QString html;
    for (const CheckSummary& check : r.checks) {
        html += QStringLiteral("<p><b>%1</b> — <b style='color:%2'>%3</b> <i>(%4)</i><br>%5</p>")
                    .arg(checkTitle(check.kind).toHtmlEscaped(), statusColour(check.status),
                         statusSymbol(check.status).toHtmlEscaped(), checkRule(check).toHtmlEscaped(),
                         checkExplanation(r, check).toHtmlEscaped());
    }
    return html;
}

OverviewPage::OverviewPage(QWidget* parent)
    : ReportPage(parent),
      m_model(new CheckSummaryModel(this)),
      m_table(makeTableView(this, QStringLiteral("checks"))),
      m_verdict(new QLabel(this)),
      m_sides(new QLabel(this)),
      m_explanations(new QTextBrowser(this)),
      m_whatToChange(new WhatToChangeCard(this)) {
    QFont big = m_verdict->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_verdict->setFont(big);
    m_verdict->setWordWrap(true);  // its long empty-state text must not widen the window
    m_sides->setObjectName(QStringLiteral("runSetup"));
    m_sides->setTextFormat(Qt::RichText);
    m_sides->setWordWrap(true);
    m_sides->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_explanations->setObjectName(QStringLiteral("explanations"));
    m_explanations->setOpenLinks(false);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    // One line a check, elided: the six rows fit under the diagnosis card at 1280×800. The whole
    // cell is its tooltip; each rule and explanation is in full in the pane below.
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);  // the last column takes what is left
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->setCursor(Qt::PointingHandCursor);
    auto* splitter = m_splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_whatToChange);  // resizable against the checks; hidden without a diagnosis
    splitter->addWidget(m_table);
    splitter->addWidget(m_explanations);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 0);  // the checks keep their rows' height; the text takes the rest
    splitter->setStretchFactor(2, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_verdict);
    layout->addWidget(m_sides);
    layout->addWidget(splitter, 1);
    connect(m_table, &QTableView::clicked, this, &OverviewPage::onRowActivated);
    connect(m_table, &QTableView::activated, this, &OverviewPage::onRowActivated);
    setReport(nullptr);
}

void OverviewPage::setReport(const ReportPtr& report) {
    m_report = report;
    m_model->setReport(report);
    m_whatToChange->setReport(report);
    if (!report) {
        m_verdict->setText(
            tr("No report yet: open a train and an eval recipe, then Run (Ctrl+R), or open a saved report."));
        m_verdict->setStyleSheet(QString());
        m_sides->clear();
        m_explanations->clear();
        return;
    }
    const VerdictHeadline headline = verdictHeadline(*report);
    m_verdict->setText(headline.text);
    m_verdict->setStyleSheet(QStringLiteral("color: %1").arg(headline.colour.name()));
    m_sides->setText(runSetupHtml(*report));
    m_explanations->setHtml(explanationsHtml(*report));
    m_table->resizeColumnsToContents();
    m_table->setColumnWidth(CheckSummaryModel::Rule, qMin(m_table->columnWidth(CheckSummaryModel::Rule), 240));
    m_table->setColumnWidth(CheckSummaryModel::Result, qMin(m_table->columnWidth(CheckSummaryModel::Result), 280));
    fitTableToRows();
    if (report->diagnosis) {  // the card at its natural height, then every check row, the text below
        const int width = qMax(400, m_splitter->width());
        const int card = m_whatToChange->hasHeightForWidth() ? m_whatToChange->heightForWidth(width)
                                                             : m_whatToChange->sizeHint().height();
        const int table = m_table->minimumHeight();
        m_splitter->setSizes({card, table, qMax(60, m_splitter->height() - card - table)});
    }
}

// The checks table never scrolls: its minimum height holds the header and every row.
void OverviewPage::fitTableToRows() {
    int height = m_table->horizontalHeader()->sizeHint().height() + 2 * m_table->frameWidth();
    for (int row = 0; row < m_model->rowCount(); ++row) height += m_table->rowHeight(row);
    m_table->setMinimumHeight(height);
}

// The exports' text: the diagnosis (the card's content) before every check's paragraph.
QString OverviewPage::explanationHtml() const {
    if (!m_report) return {};
    return (m_report->diagnosis ? diagnosisHtml(*m_report->diagnosis) : QString()) + explanationsHtml(*m_report);
}

void OverviewPage::onRowActivated(const QModelIndex& index) {
    if (index.isValid()) {
        Q_EMIT checkActivated(static_cast<CheckKind>(m_model->data(index, kCheckKindRole).toInt()));
    }
}

QList<QAbstractItemModel*> OverviewPage::tables() const {
    return {m_model};
}

QString OverviewPage::summary() const {
    QString sides = m_sides->text();
    sides.replace(QStringLiteral("<br>"), QStringLiteral("\n")).remove(QRegularExpression(QStringLiteral("<[^>]*>")));
    return sides;  // the verdict heads the exports on its own (verdict_headline.h)
}

}  // namespace ql::ui
