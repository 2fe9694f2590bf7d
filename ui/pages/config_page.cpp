#include "ui/pages/config_page.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "ui/format.h"
#include "ui/models/config_diff_model.h"
#include "ui/widgets/table_views.h"

namespace ql::ui {

namespace {
QString findingsHtml(const ConfigDiff& diff) {
    if (diff.findings.empty()) {
        return QObject::tr("<p>No known torchao pitfall applies to these recipes.</p>");
    }
    QString html = QObject::tr("<h4>Findings (known torchao pitfalls)</h4><ul>");
    for (const ConfigFinding& finding : diff.findings) {
        const QString colour = finding.changesNumerics ? QStringLiteral("#c62828") : QStringLiteral("#6d4c41");
        html += QStringLiteral("<li><b style='color:%1'>[%2, %3] %4</b> (%5): %6</li>")
                    .arg(colour, qs(std::string(findingSeverityName(finding.severity))), qs(finding.side),
                         qs(finding.field).toHtmlEscaped(), qs(finding.id), qs(finding.message).toHtmlEscaped());
    }
    return html + QStringLiteral("</ul>");
}
}  // namespace

ConfigPage::ConfigPage(QWidget* parent)
    : ReportPage(parent),
      m_model(new ConfigDiffModel(this)),
      m_proxy(new QSortFilterProxyModel(this)),
      m_table(makeTableView(this, QStringLiteral("config"))),
      m_differencesOnly(new QCheckBox(tr("Only differing fields"), this)),
      m_search(new QLineEdit(this)),
      m_findings(new QTextBrowser(this)),
      m_previewNote(new QLabel(this)) {
    m_previewNote->setObjectName(QStringLiteral("previewNote"));
    m_previewNote->setWordWrap(true);
    m_previewNote->setStyleSheet(QStringLiteral("background: #e3f2fd; padding: 4px;"));
    m_previewNote->setText(
        tr("Preview: the config check of the recipes as they are now. Run (Ctrl+R) for the other checks."));
    m_previewNote->setVisible(false);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(kSortRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_table->setModel(m_proxy);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);  // model order until a header is clicked
    m_table->setSortingEnabled(true);
    m_table->setWordWrap(true);
    m_search->setPlaceholderText(tr("Filter fields…"));
    m_search->setClearButtonEnabled(true);
    auto* controls = new QHBoxLayout;
    controls->addWidget(m_differencesOnly);
    controls->addWidget(m_search, 1);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_findings);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_previewNote);
    layout->addLayout(controls);
    layout->addWidget(splitter, 1);
    connect(m_differencesOnly, &QCheckBox::toggled, this, &ConfigPage::updateFilter);
    connect(m_search, &QLineEdit::textChanged, this, &ConfigPage::updateFilter);
}

void ConfigPage::setDifferencesOnly(bool only) {
    m_differencesOnly->setChecked(only);
}

void ConfigPage::updateFilter() {
    // Differences only: filter the verdict column (anything but "same"); else filter field names.
    if (m_differencesOnly->isChecked()) {
        m_proxy->setFilterKeyColumn(ConfigDiffModel::Verdict);
        m_proxy->setFilterRegularExpression(QStringLiteral("^(?!same$)"));
    } else {
        m_proxy->setFilterKeyColumn(ConfigDiffModel::Field);
        m_proxy->setFilterFixedString(m_search->text());
    }
    m_search->setEnabled(!m_differencesOnly->isChecked());  // one filter at a time
}

void ConfigPage::setReport(const ReportPtr& report) {
    m_showsPreview = false;
    m_previewNote->setVisible(false);
    showConfig(report);
}

void ConfigPage::showPreview(const ConfigDiff& diff) {
    auto preview = std::make_shared<VerifyReport>();
    preview->config = diff;
    showConfig(preview);
    m_showsPreview = true;
    m_previewNote->setVisible(true);
}

QString ConfigPage::explanationHtml() const {
    return m_report ? findingsHtml(m_report->config) : QString();
}

void ConfigPage::showConfig(const ReportPtr& report) {
    m_report = report;
    m_model->setReport(report);
    m_findings->setHtml(report ? findingsHtml(report->config) : QString());
    m_summary.clear();
    if (report) {
        int differing = 0;
        for (const ConfigFieldDiff& field : report->config.fields) {
            differing += field.verdict != DiffClass::Same ? 1 : 0;
        }
        m_summary = tr("%1 of %2 fields differ; %3 findings; numerics %4.")
                        .arg(differing)
                        .arg(report->config.fields.size())
                        .arg(report->config.findings.size())
                        .arg(report->config.sameNumerics ? tr("identical") : tr("DIFFER"));
    }
    m_table->resizeColumnsToContents();
    m_table->setColumnWidth(ConfigDiffModel::Field, qMin(m_table->columnWidth(ConfigDiffModel::Field), 260));
    m_table->setColumnWidth(ConfigDiffModel::MeasuredEffect,
                            qMin(m_table->columnWidth(ConfigDiffModel::MeasuredEffect), 320));
}

QList<QAbstractItemModel*> ConfigPage::tables() const {
    return {m_model};
}

QString ConfigPage::summary() const {
    return m_summary;
}

}  // namespace ql::ui
