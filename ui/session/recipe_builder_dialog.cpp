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
#include "ui/session/numerics_form.h"

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
        const QString group =
            schemeTakesGroupSize(f.scheme) ? QStringLiteral(", group_size: %1").arg(f.groupSize) : QString();
        yaml += QStringLiteral("quantization: {scheme: %1%2}\n").arg(f.scheme, group);
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
    NumericsChoice numerics;
    numerics.scheme = defaults.scheme;
    numerics.groupSize = defaults.groupSize;
    numerics.dtype = defaults.dtype;
    numerics.deviceNumerics = defaults.deviceNumerics;
    numerics.torchaoVersion = defaults.torchaoVersion;
    m_numerics = new NumericsForm(this, form, numerics);
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
    const NumericsChoice numerics = m_numerics->values();
    f.dtype = numerics.dtype;
    f.deviceNumerics = numerics.deviceNumerics;
    f.torchaoVersion = numerics.torchaoVersion;
    f.scheme = numerics.scheme;
    f.groupSize = numerics.groupSize;
    f.repr = numerics.repr;
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
