#include "ui/session/session_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleValidator>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>
#include <tuple>

#include "ui/session/checkpoint_dialog.h"
#include "ui/session/recipe_builder_dialog.h"
#include "ui/session/recipe_summary.h"

namespace ql::ui {

namespace {
QString toleranceText(double value) {
    return QLocale::c().toString(value, 'g', 12);
}

double toleranceValue(const QLineEdit* edit) {
    bool ok = false;
    const double value = QLocale::c().toDouble(edit->text().trimmed(), &ok);
    return ok && value >= 0 ? value : 0.0;
}
}  // namespace

SessionPanel::SessionPanel(QWidget* parent)
    : QWidget(parent),
      m_prompts(new QPlainTextEdit(this)),
      m_device(new QComboBox(this)),
      m_attention(new QComboBox(this)),
      m_run(new QPushButton(tr("Run verification"), this)),
      m_activations(new QCheckBox(tr("Activations"), this)),
      m_convert(new QCheckBox(tr("Convert"), this)),
      m_merge(new QCheckBox(tr("Adapter merge"), this)) {
    setAcceptDrops(true);
    auto* form = new QFormLayout;
    auto* fromCheckpoint = new QToolButton(this);
    fromCheckpoint->setText(tr("Open checkpoint…"));
    fromCheckpoint->setObjectName(QStringLiteral("openCheckpoint"));
    fromCheckpoint->setToolTip(
        tr("Build both recipes from a training checkpoint: train unmerged, eval merged, same numerics"));
    form->addRow(tr("From a run"), fromCheckpoint);
    connect(fromCheckpoint, &QToolButton::clicked, this, &SessionPanel::openCheckpoint);
    m_trainSummary = new QLabel(this);
    m_evalSummary = new QLabel(this);
    for (QLabel* label : {m_trainSummary, m_evalSummary}) {
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    m_train = addRecipeRow(form, true);
    m_eval = addRecipeRow(form, false);
    m_trainSummary->setObjectName(QStringLiteral("trainSummary"));
    m_evalSummary->setObjectName(QStringLiteral("evalSummary"));
    addRunOptions(form);
    auto* checks = new QHBoxLayout;
    for (QCheckBox* box : {m_activations, m_convert, m_merge}) {
        box->setChecked(true);
        checks->addWidget(box);
        connect(box, &QCheckBox::toggled, this, &SessionPanel::changed);
    }
    form->addRow(tr("Checks"), checks);
    m_prompts->setPlaceholderText(tr("One prompt per line (at least one)"));
    m_prompts->setToolTip(
        tr("Prompts for the logits and activations checks, one per line; an empty box is refused, "
           "as the command line refuses an empty prompt file"));
    m_prompts->setPlainText(Session().prompts);
    m_run->setObjectName(QStringLiteral("runButton"));
    m_run->setToolTip(tr("Run every check on the worker thread (Ctrl+R); Esc cancels"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Prompts"), this));
    layout->addWidget(m_prompts, 1);
    layout->addWidget(m_run);
    auto* hint = new QLabel(tr("Drop recipe .yaml files, a session .json or a folder here."), this);
    hint->setWordWrap(true);
    hint->setStyleSheet(QStringLiteral("color: gray"));
    layout->addWidget(hint);
    connect(m_prompts, &QPlainTextEdit::textChanged, this, &SessionPanel::changed);
    connect(m_run, &QPushButton::clicked, this, &SessionPanel::runRequested);
}

QLineEdit* SessionPanel::addToleranceEdit(const QString& toolTip) {
    auto* edit = new QLineEdit(this);
    auto* validator = new QDoubleValidator(0.0, 1e9, 12, edit);
    validator->setNotation(QDoubleValidator::ScientificNotation);
    validator->setLocale(QLocale::c());
    edit->setValidator(validator);
    edit->setToolTip(toolTip);
    edit->setMaximumWidth(90);
    connect(edit, &QLineEdit::textChanged, this, &SessionPanel::changed);
    return edit;
}

void SessionPanel::addRunOptions(QFormLayout* form) {
    m_device->addItems({QStringLiteral("cpu"), QStringLiteral("cuda")});
    m_device->setToolTip(
        tr("Where QuantLens computes (the recipes' device_numerics say which rounding each side used)"));
    form->addRow(tr("Compute on"), m_device);
    m_attention->addItem(tr("sdpa (transformers' default)"), QStringLiteral("sdpa"));
    m_attention->addItem(tr("eager (attn_implementation=\"eager\")"), QStringLiteral("eager"));
    m_attention->setToolTip(
        tr("Attention kernel of both forwards. Match your notebook: eager reproduces transformers' "
           "eager attention bit for bit; sdpa differs from it in the last bits of bf16 logits"));
    form->addRow(tr("Attention"), m_attention);
    const QString rule = tr("a pair is close when |a−b| ≤ atol OR |a−b| ≤ rtol·|b| (b = eval side)");
    m_weightAtol = addToleranceEdit(tr("Weights: absolute tolerance; ") + rule);
    m_weightRtol = addToleranceEdit(tr("Weights: relative tolerance; ") + rule);
    m_logitAtol = addToleranceEdit(tr("Logits and hidden states: absolute tolerance; ") + rule);
    m_logitRtol = addToleranceEdit(tr("Logits and hidden states: relative tolerance; ") + rule);
    for (const auto& [label, atol, rtol] :
         {std::tuple{tr("Weights"), m_weightAtol, m_weightRtol}, std::tuple{tr("Logits"), m_logitAtol, m_logitRtol}}) {
        auto* row = new QHBoxLayout;
        row->addWidget(new QLabel(tr("atol"), this));
        row->addWidget(atol);
        row->addWidget(new QLabel(tr("rtol"), this));
        row->addWidget(rtol);
        row->addStretch(1);
        form->addRow(label, row);
    }
    connect(m_device, &QComboBox::currentIndexChanged, this, &SessionPanel::changed);
    connect(m_attention, &QComboBox::currentIndexChanged, this, &SessionPanel::changed);
    setSession(Session());
}

QLineEdit* SessionPanel::addRecipeRow(QFormLayout* form, bool train) {
    auto* edit = new QLineEdit(this);
    edit->setPlaceholderText(train ? tr("train.yaml") : tr("eval.yaml"));
    edit->setToolTip(train ? tr("Recipe of the training side (how QAT prepared the model)")
                           : tr("Recipe of the evaluation side (how eval rebuilds and quantizes the model)"));
    auto* open = new QToolButton(this);
    open->setText(tr("Open…"));
    auto* build = new QToolButton(this);
    build->setText(tr("New…"));
    build->setToolTip(tr("Build a recipe here and save it as YAML"));
    auto* row = new QHBoxLayout;
    row->addWidget(edit, 1);
    row->addWidget(open);
    row->addWidget(build);
    auto* cell = new QVBoxLayout;  // the recipe row, and under it where the recipe resolved
    cell->setSpacing(2);
    cell->addLayout(row);
    cell->addWidget(train ? m_trainSummary : m_evalSummary);
    form->addRow(train ? tr("Train recipe") : tr("Eval recipe"), cell);
    connect(open, &QToolButton::clicked, this, [this, train] { openRecipe(train); });
    connect(build, &QToolButton::clicked, this, [this, train] { buildRecipe(train); });
    connect(edit, &QLineEdit::textChanged, this, &SessionPanel::changed);
    connect(edit, &QLineEdit::textChanged, this, [this, train] { updateSummary(train); });
    return edit;
}

void SessionPanel::updateSummary(bool train) {
    bool ok = false;
    const QString text = recipeSummaryFor((train ? m_train : m_eval)->text(), &ok);
    QLabel* label = train ? m_trainSummary : m_evalSummary;
    label->setText(text);
    label->setStyleSheet(ok ? QStringLiteral("color: gray") : QStringLiteral("color: #b00020"));
}

void SessionPanel::openCheckpoint() {
    CheckpointDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted) return;
    setRecipe(true, dialog.trainPath());
    setRecipe(false, dialog.evalPath());
}

Session SessionPanel::session() const {
    Session session;
    session.trainRecipe = m_train->text();
    session.evalRecipe = m_eval->text();
    session.prompts = m_prompts->toPlainText();
    session.device = m_device->currentText();
    session.attention = m_attention->currentData().toString();
    session.weightAtol = toleranceValue(m_weightAtol);
    session.weightRtol = toleranceValue(m_weightRtol);
    session.logitAtol = toleranceValue(m_logitAtol);
    session.logitRtol = toleranceValue(m_logitRtol);
    session.checkActivations = m_activations->isChecked();
    session.checkConvert = m_convert->isChecked();
    session.checkAdapterMerge = m_merge->isChecked();
    return session;
}

void SessionPanel::setSession(const Session& session) {
    m_train->setText(session.trainRecipe);
    m_eval->setText(session.evalRecipe);
    m_prompts->setPlainText(session.prompts);
    m_device->setCurrentText(session.device);
    m_attention->setCurrentIndex(qMax(0, m_attention->findData(session.attention)));
    m_weightAtol->setText(toleranceText(session.weightAtol));
    m_weightRtol->setText(toleranceText(session.weightRtol));
    m_logitAtol->setText(toleranceText(session.logitAtol));
    m_logitRtol->setText(toleranceText(session.logitRtol));
    m_activations->setChecked(session.checkActivations);
    m_convert->setChecked(session.checkConvert);
    m_merge->setChecked(session.checkAdapterMerge);
}

void SessionPanel::setRecipe(bool train, const QString& path) {
    QLineEdit* edit = train ? m_train : m_eval;
    if (edit->text() != path) {
        edit->setText(path);  // textChanged: summary and changed()
        return;
    }
    // The same path, but the file may have been rewritten (another checkpoint, other options): the
    // resolution line is read again and the session counts as changed, so results are marked stale.
    updateSummary(train);
    Q_EMIT changed();
}

void SessionPanel::openRecipe(bool train) {
    const QString path = QFileDialog::getOpenFileName(this, train ? tr("Open train recipe") : tr("Open eval recipe"),
                                                      (train ? m_train : m_eval)->text(), tr("Recipes (*.yaml *.yml)"));
    if (!path.isEmpty()) setRecipe(train, path);
}

void SessionPanel::buildRecipe(bool train) {
    RecipeBuilderDialog dialog(train ? QStringLiteral("train") : QStringLiteral("eval"), this);
    if (dialog.exec() == QDialog::Accepted) setRecipe(train, dialog.savedPath());
}

bool SessionPanel::loadFolder(const QString& dir) {
    const QDir folder(dir);
    if (!folder.exists(QStringLiteral("train.yaml")) || !folder.exists(QStringLiteral("eval.yaml"))) {
        return false;
    }
    m_train->setText(folder.filePath(QStringLiteral("train.yaml")));
    m_eval->setText(folder.filePath(QStringLiteral("eval.yaml")));
    QFile prompts(folder.filePath(QStringLiteral("prompts.txt")));
    if (prompts.open(QIODevice::ReadOnly)) {
        m_prompts->setPlainText(QString::fromUtf8(prompts.readAll()));
    }
    return true;
}

void SessionPanel::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void SessionPanel::dropEvent(QDropEvent* event) {
    for (const QUrl& url : event->mimeData()->urls()) {
        const QFileInfo info(url.toLocalFile());
        if (info.isDir()) {
            loadFolder(info.absoluteFilePath());
        } else if (info.suffix() == QLatin1String("json")) {
            Q_EMIT sessionFileDropped(info.absoluteFilePath());
        } else if (info.suffix() == QLatin1String("yaml") || info.suffix() == QLatin1String("yml")) {
            const bool train = m_train->text().isEmpty() || info.fileName().contains(QLatin1String("train"));
            setRecipe(train && !info.fileName().contains(QLatin1String("eval")), info.absoluteFilePath());
        }
    }
    event->acceptProposedAction();
}

}  // namespace ql::ui
