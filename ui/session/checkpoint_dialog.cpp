#include "ui/session/checkpoint_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QVBoxLayout>

#include "ui/session/form_rows.h"
#include "ui/session/numerics_form.h"

namespace ql::ui {

namespace {
Result<CheckpointRecipes> build(const CheckpointRecipeOptions& options, const QDir& dir) {
    return buildCheckpointRecipes(options, dir.filePath(QStringLiteral("train.yaml")).toStdString(),
                                  dir.filePath(QStringLiteral("eval.yaml")).toStdString());
}

// The model folder each recipe resolved to must exist now, not only when the run starts.
Status checkModelFolders(const CheckpointRecipes& recipes) {
    for (const Recipe* recipe : {&recipes.train, &recipes.eval}) {
        if (!QFileInfo(QString::fromStdString(recipe->modelDir)).isDir()) {
            return makeError(ErrorCode::NotFound,
                             "model folder " + recipe->modelDir + " does not exist (" +
                                 (recipe->modelSource.origin.empty() ? "recipe" : recipe->modelSource.origin) + ")");
        }
    }
    return Ok{};
}
}  // namespace

QString checkpointRecipeFolder(const QString& folder, const CheckpointRecipes& recipes) {
    const auto& adapter = recipes.train.adapter;
    if (!adapter || !adapter->checkpoint) return folder;
    return QDir(folder).filePath(QStringLiteral("checkpoint-%1").arg(adapter->checkpoint->step));
}

Result<std::pair<QString, QString>> writeCheckpointRecipes(const CheckpointRecipeOptions& options,
                                                           const QString& folder) {
    auto built = build(options, QDir(folder));
    if (!built) return built.error();
    if (auto models = checkModelFolders(*built); !models) return models.error();
    const QString target = checkpointRecipeFolder(folder, *built);
    if (target != folder) {  // named after where they are saved (the names go into the report)
        built = build(options, QDir(target));
        if (!built) return built.error();
    }
    if (auto saved = saveCheckpointRecipes(*built, target.toStdString()); !saved) return saved.error();
    const QDir dir(target);
    return std::pair{dir.filePath(QStringLiteral("train.yaml")), dir.filePath(QStringLiteral("eval.yaml"))};
}

QString defaultRecipeFolder(const QString& adapter) {
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QString name = QFileInfo(QDir::cleanPath(adapter)).fileName();
    if (name.isEmpty()) name = QStringLiteral("checkpoint");
    return QDir(base).filePath(QStringLiteral("checkpoints/") + name);
}

CheckpointDialog::CheckpointDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Open checkpoint"));
    const CheckpointRecipeOptions defaults;
    auto* form = new QFormLayout;
    m_adapter =
        folderRow(this, form, tr("Adapter or Trainer output"), tr("PEFT adapter folder, or the Trainer's output_dir"));
    m_checkpoint = new QLineEdit(this);
    m_checkpoint->setPlaceholderText(tr("latest"));
    m_checkpoint->setToolTip(tr("For a Trainer output folder: N of checkpoint-N, latest or best"));
    form->addRow(tr("Checkpoint"), m_checkpoint);
    m_model = folderRow(this, form, tr("Base model"), tr("empty: the base named by the adapter"));
    m_revision = new QLineEdit(this);
    m_revision->setPlaceholderText(tr("main"));
    form->addRow(tr("Revision"), m_revision);
    NumericsChoice numerics;
    numerics.scheme = QString::fromStdString(defaults.scheme);
    numerics.dtype = QString::fromStdString(defaults.dtype);
    numerics.deviceNumerics = QString::fromStdString(defaults.deviceNumerics);
    numerics.torchaoVersion = QString::fromStdString(defaults.torchaoVersion);
    m_numerics = new NumericsForm(this, form, numerics);
    const QStringList forms{QStringLiteral("unmerged"), QStringLiteral("merged"), QStringLiteral("qat_after_peft")};
    m_trainForm = choiceBox(this, forms, QString::fromStdString(defaults.trainForm),
                            tr("How training ran the adapter: unmerged on the QAT-prepared base (peft default), or QAT "
                               "applied after PEFT"));
    form->addRow(tr("Train adapter form"), m_trainForm);
    m_evalForm = choiceBox(
        this, forms, QString::fromStdString(defaults.evalForm),
        tr("How evaluation rebuilds the model: merged (merge_and_unload), unmerged, or QAT applied after PEFT"));
    form->addRow(tr("Eval adapter form"), m_evalForm);
    m_folder = folderRow(this, form, tr("Save recipes in"), tr("QuantLens' own folder"));
    m_folder->setToolTip(
        tr("A Trainer output folder's recipes go into checkpoint-N/ under this folder, one per checkpoint"));
    m_error = errorLabel(this);
    auto* hint =
        new QLabel(tr("By default train runs the adapter unmerged on the QAT-prepared base and eval merges it "
                      "(merge_and_unload). Both use the numerics chosen here. Each checkpoint's recipes get their "
                      "own folder (checkpoint-N), so opening another checkpoint never replaces them."),
                   this);
    hint->setWordWrap(true);
    hint->setStyleSheet(QStringLiteral("color: gray"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Create recipes"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(hint);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    connect(m_adapter, &QLineEdit::textChanged, this, [this](const QString& adapter) {
        if (!m_folder->isModified()) m_folder->setText(adapter.isEmpty() ? QString() : defaultRecipeFolder(adapter));
    });
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (createRecipes()) accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

CheckpointRecipeOptions CheckpointDialog::options() const {
    CheckpointRecipeOptions o;
    o.adapter = m_adapter->text().trimmed().toStdString();
    o.checkpoint = m_checkpoint->text().trimmed().toStdString();
    o.model = m_model->text().trimmed().toStdString();
    o.revision = m_revision->text().trimmed().toStdString();
    const NumericsChoice numerics = m_numerics->values();
    o.scheme = numerics.scheme.toStdString();
    o.groupSize = m_numerics->groupSizeIfApplies();
    o.repr = numerics.repr.toStdString();
    o.dtype = numerics.dtype.toStdString();
    o.deviceNumerics = numerics.deviceNumerics.toStdString();
    o.torchaoVersion = numerics.torchaoVersion.toStdString();
    o.trainForm = m_trainForm->currentText().toStdString();
    o.evalForm = m_evalForm->currentText().toStdString();
    return o;
}

QString CheckpointDialog::errorText() const {
    return m_error->text();
}

void CheckpointDialog::setAdapter(const QString& adapter) {
    m_adapter->setText(adapter);
}

void CheckpointDialog::setFolder(const QString& folder) {
    m_folder->setText(folder);
    m_folder->setModified(true);
}

void CheckpointDialog::setForms(const QString& train, const QString& eval) {
    m_trainForm->setCurrentText(train);
    m_evalForm->setCurrentText(eval);
}

void CheckpointDialog::setCheckpoint(const QString& checkpoint) {
    m_checkpoint->setText(checkpoint);
}

void CheckpointDialog::setModel(const QString& model) {
    m_model->setText(model);
}

void CheckpointDialog::setScheme(const QString& scheme, int groupSize) {
    m_numerics->setScheme(scheme, groupSize);
}

bool CheckpointDialog::createRecipes() {
    const QString folder =
        m_folder->text().trimmed().isEmpty() ? defaultRecipeFolder(m_adapter->text()) : m_folder->text().trimmed();
    const auto written = writeCheckpointRecipes(options(), folder);
    if (!written) {
        m_error->setText(QString::fromStdString(written.error().message));
        return false;
    }
    m_error->clear();
    m_trainPath = written->first;
    m_evalPath = written->second;
    return true;
}

}  // namespace ql::ui
