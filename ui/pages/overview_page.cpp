#include "ui/pages/overview_page.h"

#include <QHeaderView>
#include <QLabel>
#include <QRegularExpression>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/format.h"
#include "ui/models/check_summary_model.h"

namespace ql::ui {

namespace {
bool anyFailed(const VerifyReport& report) {
    for (const CheckSummary& check : report.checks) {
        if (check.status == CheckStatus::Fail || check.status == CheckStatus::Error) {
            return true;
        }
    }
    return false;
}

QString sideLine(const QString& name, const SideSummary& side) {
    QString adapter = side.adapterDir.empty() ? QObject::tr("no adapter")
                                              : QObject::tr("adapter %1 (%2)").arg(qs(side.adapterDir), qs(side.adapterForm));
    return QStringLiteral("<b>%1</b>: %2 · %3 · %4 · numerics %5 · torchao %6 · %7")
        .arg(name, qs(side.modelDir).toHtmlEscaped(), adapter.toHtmlEscaped(), qs(side.dtype), qs(side.deviceNumerics),
             qs(side.torchaoVersion), qs(side.quantization).toHtmlEscaped());
}
}  // namespace

OverviewPage::OverviewPage(QWidget* parent)
    : ReportPage(parent), m_model(new CheckSummaryModel(this)), m_table(new QTableView(this)),
      m_verdict(new QLabel(this)), m_sides(new QLabel(this)) {
    QFont big = m_verdict->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_verdict->setFont(big);
    m_sides->setTextFormat(Qt::RichText);
    m_sides->setWordWrap(true);
    m_sides->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(true);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setCursor(Qt::PointingHandCursor);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_verdict);
    layout->addWidget(m_sides);
    layout->addWidget(m_table, 1);
    connect(m_table, &QTableView::clicked, this, &OverviewPage::onRowActivated);
    connect(m_table, &QTableView::activated, this, &OverviewPage::onRowActivated);
    setReport(nullptr);
}

void OverviewPage::setReport(const ReportPtr& report) {
    m_model->setReport(report);
    if (!report) {
        m_verdict->setText(tr("No report yet: open a train and an eval recipe, then Run (Ctrl+R)."));
        m_sides->clear();
        return;
    }
    const bool failed = anyFailed(*report);
    m_verdict->setText(failed ? tr("✗ Train and eval do NOT quantize identically") : tr("✓ All checks pass"));
    m_verdict->setStyleSheet(failed ? QStringLiteral("color: #c62828") : QStringLiteral("color: #2e7d32"));
    m_sides->setText(sideLine(tr("Train"), report->train) + QStringLiteral("<br>") + sideLine(tr("Eval"), report->eval) +
                     QStringLiteral("<br>") +
                     tr("Device %1 · %2 s · weight tolerance atol %3 rtol %4 · logit tolerance atol %5 rtol %6 "
                        "(close when |a−b| ≤ atol OR |a−b| ≤ rtol·|b|)")
                         .arg(qs(report->device)).arg(report->wallSeconds, 0, 'f', 1)
                         .arg(report->weightTolerance.atol).arg(report->weightTolerance.rtol)
                         .arg(report->logitTolerance.atol).arg(report->logitTolerance.rtol));
    m_table->resizeColumnsToContents();
    m_table->resizeRowsToContents();
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
    return m_verdict->text() + QLatin1Char('\n') + sides;
}

}  // namespace ql::ui
