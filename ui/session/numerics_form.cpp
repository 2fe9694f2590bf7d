#include "ui/session/numerics_form.h"

#include <quantlens/quant_schemes.h>
#include <quantlens/torchao_releases.h>

#include <QComboBox>
#include <QFormLayout>
#include <QPlainTextEdit>
#include <QSpinBox>

#include "ui/session/form_rows.h"

namespace ql::ui {

namespace {

QComboBox* schemeBox(QWidget* parent, const QString& current) {
    auto* box = new QComboBox(parent);
    for (const QuantSchemeInfo& info : quantSchemes()) {
        box->addItem(QString::fromUtf8(info.name.data(), static_cast<int>(info.name.size())));
        const QString tip = info.torchaoClass.empty()
                                ? QString::fromUtf8(info.summary.data(), static_cast<int>(info.summary.size()))
                                : QStringLiteral("%1: %2").arg(
                                      QString::fromUtf8(info.torchaoClass.data(), int(info.torchaoClass.size())),
                                      QString::fromUtf8(info.summary.data(), static_cast<int>(info.summary.size())));
        box->setItemData(box->count() - 1, tip, Qt::ToolTipRole);
    }
    box->setCurrentText(current);
    box->setToolTip(QObject::tr("torchao base config of QATConfig"));
    return box;
}

QComboBox* releaseBox(QWidget* parent, const QString& current) {
    auto* box = new QComboBox(parent);
    for (const TorchaoRelease& release : torchaoReleases()) {
        box->addItem(QString::fromStdString(torchaoVersionName(release.version)));
        box->setItemData(box->count() - 1,
                         QString::fromUtf8(release.changes.data(), static_cast<int>(release.changes.size())),
                         Qt::ToolTipRole);
    }
    box->setCurrentText(current);
    box->setToolTip(QObject::tr("emulate that torchao release's behaviour"));
    return box;
}

}  // namespace

bool schemeTakesGroupSize(const QString& scheme) {
    for (const QuantSchemeInfo& info : quantSchemes()) {
        if (QLatin1String(info.name.data(), static_cast<qsizetype>(info.name.size())) == scheme) {
            return (info.recipeKeys & kKeyGroupSize) != 0;
        }
    }
    return false;
}

NumericsForm::NumericsForm(QWidget* parent, QFormLayout* form, const NumericsChoice& defaults) : QObject(parent) {
    m_scheme = schemeBox(parent, defaults.scheme);
    form->addRow(tr("Scheme"), m_scheme);
    m_groupSize = new QSpinBox(parent);
    m_groupSize->setRange(8, 4096);
    m_groupSize->setValue(defaults.groupSize);
    m_groupSize->setToolTip(tr("elements per quantization group along K"));
    form->addRow(tr("Group size"), m_groupSize);
    m_repr = new QPlainTextEdit(parent);
    m_repr->setPlaceholderText(
        tr("or paste the config your training log printed, e.g. QATConfig(base_config="
           "Int4WeightOnlyConfig(group_size=128, ...), step='prepare')"));
    m_repr->setToolTip(tr("torchao's printed config (print(config)); when given it replaces scheme and group size"));
    m_repr->setMaximumHeight(70);
    form->addRow(tr("torchao config"), m_repr);
    m_dtype = choiceBox(parent, {QStringLiteral("bfloat16"), QStringLiteral("float16"), QStringLiteral("float32")},
                        defaults.dtype, {});
    form->addRow(tr("dtype"), m_dtype);
    m_device = choiceBox(parent, {QStringLiteral("cuda"), QStringLiteral("cpu")}, defaults.deviceNumerics,
                         tr("which device's rounding the run used (CUDA divides by 15 as a multiply by fp32(1/15))"));
    form->addRow(tr("Device numerics"), m_device);
    m_torchao = releaseBox(parent, defaults.torchaoVersion);
    form->addRow(tr("torchao version"), m_torchao);
    connect(m_scheme, &QComboBox::currentTextChanged, this, &NumericsForm::schemeChanged);
    schemeChanged();
}

NumericsChoice NumericsForm::values() const {
    NumericsChoice c;
    c.scheme = m_scheme->currentText();
    c.groupSize = m_groupSize->value();
    c.repr = m_repr->toPlainText().trimmed();
    c.dtype = m_dtype->currentText();
    c.deviceNumerics = m_device->currentText();
    c.torchaoVersion = m_torchao->currentText();
    return c;
}

std::optional<int> NumericsForm::groupSizeIfApplies() const {
    if (!m_repr->toPlainText().trimmed().isEmpty() || !schemeTakesGroupSize(m_scheme->currentText())) {
        return std::nullopt;
    }
    return m_groupSize->value();
}

void NumericsForm::setScheme(const QString& scheme, int groupSize) {
    m_scheme->setCurrentText(scheme);
    m_groupSize->setValue(groupSize);
}

void NumericsForm::schemeChanged() {
    m_groupSize->setEnabled(schemeTakesGroupSize(m_scheme->currentText()));
}

}  // namespace ql::ui
