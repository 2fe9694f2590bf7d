#include "ui/session/recipe_builder_dialog.h"

#include <quantlens/recipe.h>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>

#include "ui/session/form_rows.h"

namespace ql::ui {

QString yamlQuoted(const QString& text) {
    QString out = QStringLiteral("\"");
    for (const QChar c : text) {
        if (c == QLatin1Char('"') || c == QLatin1Char('\\')) {
            out += QLatin1Char('\\');
            out += c;
        } else if (c.unicode() < 0x20 || c.unicode() == 0x7F) {
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        } else {
            out += c;
        }
    }
    return out + QLatin1Char('"');
}

QString recipeYaml(const RecipeFields& f) {
    QString yaml = QStringLiteral("# written by QuantLens\n");
    if (!f.modelDir.isEmpty()) yaml += QStringLiteral("model: %1\n").arg(yamlQuoted(f.modelDir));
    if (!f.revision.isEmpty()) yaml += QStringLiteral("revision: %1\n").arg(yamlQuoted(f.revision));
    if (!f.adapterDir.isEmpty()) {
        const QString checkpoint =
            f.checkpoint.isEmpty() ? QString() : QStringLiteral(", checkpoint: %1").arg(yamlQuoted(f.checkpoint));
        yaml += QStringLiteral("adapter: {path: %1%2, form: %3}\n")
                    .arg(yamlQuoted(f.adapterDir), checkpoint, f.adapterForm);
    }
    yaml += QStringLiteral("dtype: %1\ndevice_numerics: %2\ntorchao_version: %3\n")
                .arg(f.dtype, f.deviceNumerics, yamlQuoted(f.torchaoVersion));
    if (!f.repr.trimmed().isEmpty()) {
        yaml += QStringLiteral("quantization: {repr: %1}\n").arg(yamlQuoted(f.repr.trimmed()));
    } else if (f.scheme != QLatin1String("none")) {
        yaml += QStringLiteral("quantization: {scheme: %1, group_size: %2}\n").arg(f.scheme).arg(f.groupSize);
    }
    return yaml;
}

QString recipeFieldsProblem(const RecipeFields& f) {
    const QFileInfo model(f.modelDir);
    if (f.modelDir.trimmed().isEmpty())
        return QObject::tr("Choose the model directory (a HF checkpoint with config.json).");
    if (!model.isDir()) return QObject::tr("Model dir %1: no such folder.").arg(f.modelDir);
    if (!QFileInfo(QDir(f.modelDir).filePath(QStringLiteral("config.json"))).isFile()) {
        return QObject::tr("Model dir %1: no config.json (expected a Hugging Face checkpoint folder).").arg(f.modelDir);
    }
    if (f.adapterDir.trimmed().isEmpty()) return {};
    if (!QFileInfo(f.adapterDir).isDir()) return QObject::tr("Adapter dir %1: no such folder.").arg(f.adapterDir);
    if (!QFileInfo(QDir(f.adapterDir).filePath(QStringLiteral("adapter_config.json"))).isFile()) {
        return QObject::tr("Adapter dir %1: no adapter_config.json (expected a PEFT adapter folder).")
            .arg(f.adapterDir);
    }
    return {};
}

RecipeBuilderDialog::RecipeBuilderDialog(const QString& side, QWidget* parent) : QDialog(parent), m_side(side) {
    setWindowTitle(tr("New %1 recipe").arg(side));
    const RecipeFields defaults;
    auto* form = new QFormLayout;
    m_model = folderRow(this, form, tr("Model (folder or hub id)"));
    m_model->setPlaceholderText(tr("folder or org/name; empty: the adapter's base"));
    m_model->setToolTip(
        tr("A HF checkpoint folder, or a hub id (org/name) resolved offline in the local Hugging Face cache"));
    m_revision = new QLineEdit(this);
    m_revision->setPlaceholderText(tr("main"));
    m_revision->setToolTip(tr("Branch, tag or commit of a hub id (resolved offline in the local cache)"));
    form->addRow(tr("Revision"), m_revision);
    m_adapter = folderRow(this, form, tr("Adapter (PEFT folder or Trainer output)"));
    m_checkpoint = new QLineEdit(this);
    m_checkpoint->setPlaceholderText(tr("latest"));
    m_checkpoint->setToolTip(tr("For a Trainer output folder: N of checkpoint-N, latest or best"));
    form->addRow(tr("Checkpoint"), m_checkpoint);
    m_form =
        choiceBox(this, {QStringLiteral("unmerged"), QStringLiteral("merged"), QStringLiteral("qat_after_peft")},
                  defaults.adapterForm,
                  tr("unmerged: FQ(W)x + s·B(Ax); merged: FQ(W + s·BA)x; qat_after_peft: LoRA A/B fake-quantized too"));
    form->addRow(tr("LoRA form"), m_form);
    m_scheme = choiceBox(this,
                         {QStringLiteral("int4_weight_only"), QStringLiteral("intx_weight_only"),
                          QStringLiteral("int8_dynamic_activation_int4_weight"),
                          QStringLiteral("int8_dynamic_activation_intx_weight"), QStringLiteral("none")},
                         defaults.scheme, tr("torchao base config of QATConfig"));
    form->addRow(tr("Scheme"), m_scheme);
    m_groupSize = new QSpinBox(this);
    m_groupSize->setRange(8, 4096);
    m_groupSize->setValue(defaults.groupSize);
    m_groupSize->setToolTip(tr("elements per quantization group along K"));
    form->addRow(tr("Group size"), m_groupSize);
    m_repr = new QPlainTextEdit(this);
    m_repr->setPlaceholderText(
        tr("or paste the config your training log printed, e.g. QATConfig(base_config="
           "Int4WeightOnlyConfig(group_size=128, ...), step='prepare')"));
    m_repr->setToolTip(tr("torchao's printed config (print(config)); when given it replaces scheme and group size"));
    m_repr->setMaximumHeight(70);
    form->addRow(tr("torchao config"), m_repr);
    m_dtype = choiceBox(this, {QStringLiteral("bfloat16"), QStringLiteral("float16"), QStringLiteral("float32")},
                        defaults.dtype, {});
    form->addRow(tr("dtype"), m_dtype);
    m_device = choiceBox(this, {QStringLiteral("cuda"), QStringLiteral("cpu")}, defaults.deviceNumerics,
                         tr("which device's rounding the run used (CUDA divides by 15 as a multiply by fp32(1/15))"));
    form->addRow(tr("Device numerics"), m_device);
    m_torchao = choiceBox(this,
                          {QStringLiteral("0.14"), QStringLiteral("0.15"), QStringLiteral("0.16"),
                           QStringLiteral("0.17"), QStringLiteral("0.18")},
                          defaults.torchaoVersion, tr("emulate that torchao release's behaviour"));
    form->addRow(tr("torchao version"), m_torchao);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_error = errorLabel(this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &RecipeBuilderDialog::saveAndAccept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

RecipeFields RecipeBuilderDialog::fields() const {
    RecipeFields f;
    f.modelDir = m_model->text().trimmed();
    f.revision = m_revision->text().trimmed();
    f.adapterDir = m_adapter->text().trimmed();
    f.checkpoint = m_checkpoint->text().trimmed();
    f.adapterForm = m_form->currentText();
    f.dtype = m_dtype->currentText();
    f.deviceNumerics = m_device->currentText();
    f.torchaoVersion = m_torchao->currentText();
    f.scheme = m_scheme->currentText();
    f.groupSize = m_groupSize->value();
    f.repr = m_repr->toPlainText();
    return f;
}

void RecipeBuilderDialog::saveAndAccept() {
    if (m_model->text().trimmed().isEmpty() && m_adapter->text().trimmed().isEmpty()) {
        m_error->setText(
            tr("Give the model (a folder or a hub id), or an adapter whose adapter_config.json names its base."));
        return;
    }
    // Parsed before asking where to save: a missing hub model, checkpoint or a bad repr shows here.
    const QString probe = QDir::current().filePath(QStringLiteral("%1.yaml").arg(m_side));
    const Result<Recipe> parsed = parseRecipe(recipeYaml(fields()).toStdString(), probe.toStdString());
    if (!parsed) {
        m_error->setText(QString::fromStdString(parsed.error().message));
        return;
    }
    // Where the recipe resolved to must hold a checkpoint (and an adapter) before it is saved.
    RecipeFields resolved = fields();
    resolved.modelDir = QString::fromStdString(parsed->modelDir);
    resolved.adapterDir = parsed->adapter ? QString::fromStdString(parsed->adapter->path) : QString();
    if (const QString problem = recipeFieldsProblem(resolved); !problem.isEmpty()) {
        m_error->setText(problem);
        return;
    }
    m_error->clear();
    const QString path = QFileDialog::getSaveFileName(this, tr("Save %1 recipe").arg(m_side),
                                                      m_side + QStringLiteral(".yaml"), tr("Recipes (*.yaml *.yml)"));
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
