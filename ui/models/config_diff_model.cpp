#include "ui/models/config_diff_model.h"

#include <QColor>

#include "ui/diagnosis_text.h"
#include "ui/format.h"

namespace ql::ui {

ConfigDiffModel::ConfigDiffModel(QObject* parent) : RowTableModel(parent) {
    setColumns({
        {tr("Field"), tr("Declared field, or effective.* for what the torchao release really computes"),
         [](const ConfigFieldDiff& f) { return qs(f.field); }},
        {tr("Train"), {}, [](const ConfigFieldDiff& f) { return qs(f.train); }},
        {tr("Eval"), {}, [](const ConfigFieldDiff& f) { return qs(f.eval); }},
        {tr("Verdict"), tr("same / no effect (cosmetic) / changes numerics"),
         [](const ConfigFieldDiff& f) { return qs(std::string(diffClassName(f.verdict))); }},
        {tr("Measured effect"), tr("Eval with this field alone set to train's value, against train (the diagnosis)"),
         [this](const ConfigFieldDiff& f) { return m_report ? measuredEffect(*m_report, f.field) : QString(); }},
        {tr("Explanation"), {}, [](const ConfigFieldDiff& f) { return qs(f.explanation); }},
    });
    setRowBrush([](const ConfigFieldDiff& f) -> QVariant {
        switch (f.verdict) {
            case DiffClass::ChangesNumerics:
                return QBrush(QColor(0xff, 0xcd, 0xd2));
            case DiffClass::NoEffect:
                return QBrush(QColor(0xff, 0xf3, 0xc4));
            case DiffClass::Same:
                return {};
        }
        return {};
    });
    setRowToolTip(
        [](const ConfigFieldDiff& f) { return f.explanation.empty() ? QVariant() : QVariant(qs(f.explanation)); });
}

void ConfigDiffModel::setReport(const ReportPtr& report) {
    m_report = report;
    setRows(report ? Rows(report, &report->config.fields) : Rows());
}

}  // namespace ql::ui
