#include "ui/session/recipe_builder_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>

namespace ql::ui {

QString recipeYaml(const RecipeFields& f) {
    QString yaml = QStringLiteral("# written by QuantLens\nmodel: \"%1\"\n").arg(f.modelDir);
    if (!f.adapterDir.isEmpty()) {
        yaml += QStringLiteral("adapter: {path: \"%1\", form: %2}\n").arg(f.adapterDir, f.adapterForm);
    }
    yaml += QStringLiteral("dtype: %1\ndevice_numerics: %2\ntorchao_version: \"%3\"\n").arg(f.dtype, f.deviceNumerics, f.torchaoVersion);
    if (f.scheme != QLatin1String("none")) {
        yaml += QStringLiteral("quantization: {scheme: %1, group_size: %2}\n").arg(f.scheme).arg(f.groupSize);
    }
    return yaml;
}

QString recipeFieldsProblem(const RecipeFields& f) {
    const QFileInfo model(f.modelDir);
    if (f.modelDir.trimmed().isEmpty()) return QObject::tr("Choose the model directory (a HF checkpoint with config.json).");
    if (!model.isDir()) return QObject::tr("Model dir %1: no such folder.").arg(f.modelDir);
    if (!QFileInfo(QDir(f.modelDir).filePath(QStringLiteral("config.json"))).isFile()) {
        return QObject::tr("Model dir %1: no config.json (expected a Hugging Face checkpoint folder).").arg(f.modelDir);
    }
    if (f.adapterDir.trimmed().isEmpty()) return {};
    if (!QFileInfo(f.adapterDir).isDir()) return QObject::tr("Adapter dir %1: no such folder.").arg(f.adapterDir);
    if (!QFileInfo(QDir(f.adapterDir).filePath(QStringLiteral("adapter_config.json"))).isFile()) {
        return QObject::tr("Adapter dir %1: no adapter_config.json (expected a PEFT adapter folder).").arg(f.adapterDir);
    }
    return {};
}

namespace {
QComboBox* combo(QWidget* parent, const QStringList& items, const QString& current, const QString& toolTip) {
    auto* box = new QComboBox(parent);
    box->addItems(items);
    box->setCurrentText(current);
    box->setToolTip(toolTip);
    return box;
}
}  // namespace

RecipeBuilderDialog::RecipeBuilderDialog(const QString& side, QWidget* parent) : QDialog(parent), m_side(side) {
    setWindowTitle(tr("New %1 recipe").arg(side));
    const RecipeFields defaults;
    auto* form = new QFormLayout;
    m_model = addDirRow(form, tr("Model dir (HF checkpoint)"));
    m_adapter = addDirRow(form, tr("Adapter dir (PEFT, optional)"));
    m_form = combo(this, {QStringLiteral("unmerged"), QStringLiteral("merged"), QStringLiteral("qat_after_peft")}, defaults.adapterForm,
                   tr("unmerged: FQ(W)x + s·B(Ax); merged: FQ(W + s·BA)x; qat_after_peft: LoRA A/B fake-quantized too"));
    form->addRow(tr("LoRA form"), m_form);
    m_scheme = combo(this, {QStringLiteral("int4_weight_only"), QStringLiteral("intx_weight_only"),
                            QStringLiteral("int8_dynamic_activation_int4_weight"), QStringLiteral("int8_dynamic_activation_intx_weight"),
                            QStringLiteral("none")}, defaults.scheme, tr("torchao base config of QATConfig"));
    form->addRow(tr("Scheme"), m_scheme);
    m_groupSize = new QSpinBox(this);
    m_groupSize->setRange(8, 4096);
    m_groupSize->setValue(defaults.groupSize);
    m_groupSize->setToolTip(tr("elements per quantization group along K"));
    form->addRow(tr("Group size"), m_groupSize);
    m_dtype = combo(this, {QStringLiteral("bfloat16"), QStringLiteral("float16"), QStringLiteral("float32")}, defaults.dtype, {});
    form->addRow(tr("dtype"), m_dtype);
    m_device = combo(this, {QStringLiteral("cuda"), QStringLiteral("cpu")}, defaults.deviceNumerics,
                     tr("which device's rounding the run used (CUDA divides by 15 as a multiply by fp32(1/15))"));
    form->addRow(tr("Device numerics"), m_device);
    m_torchao = combo(this, {QStringLiteral("0.14"), QStringLiteral("0.15"), QStringLiteral("0.16"), QStringLiteral("0.17"),
                             QStringLiteral("0.18")}, defaults.torchaoVersion, tr("emulate that torchao release's behaviour"));
    form->addRow(tr("torchao version"), m_torchao);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &RecipeBuilderDialog::saveAndAccept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QLineEdit* RecipeBuilderDialog::addDirRow(QFormLayout* form, const QString& label) {
    auto* edit = new QLineEdit(this);
    auto* browse = new QPushButton(tr("Browse…"), this);
    auto* row = new QHBoxLayout;
    row->addWidget(edit, 1);
    row->addWidget(browse);
    form->addRow(label, row);
    connect(browse, &QPushButton::clicked, this, [this, edit, label] {
        const QString dir = QFileDialog::getExistingDirectory(this, label, edit->text());
        if (!dir.isEmpty()) edit->setText(dir);
    });
    return edit;
}

RecipeFields RecipeBuilderDialog::fields() const {
    return RecipeFields{m_model->text(), m_adapter->text(), m_form->currentText(), m_dtype->currentText(),
                        m_device->currentText(), m_torchao->currentText(), m_scheme->currentText(), m_groupSize->value()};
}

void RecipeBuilderDialog::saveAndAccept() {
    const QString problem = recipeFieldsProblem(fields());
    if (!problem.isEmpty()) {
        QMessageBox::warning(this, windowTitle(), problem);
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Save %1 recipe").arg(m_side), m_side + QStringLiteral(".yaml"),
                                                      tr("Recipes (*.yaml *.yml)"));
    if (path.isEmpty()) return;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(recipeYaml(fields()).toUtf8()) < 0 || !file.commit()) {
        QMessageBox::critical(this, windowTitle(), tr("%1: cannot write (%2)").arg(path, file.errorString()));
        return;
    }
    m_savedPath = path;
    accept();
}

}  // namespace ql::ui
