// Builds a recipe in the app (model folder or hub id + revision, adapter folder or Trainer output
// folder + checkpoint and LoRA form, scheme and group size or a pasted torchao repr, dtype, device
// numerics, torchao version) and saves it as YAML once it parses; the written path is the result.
#pragma once

#include <QDialog>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;

namespace ql::ui {

class NumericsForm;

struct RecipeFields {
    QString modelDir;    // folder or hub id (org/name); empty with an adapter: its base
    QString revision;    // hub ids only; empty: main
    QString adapterDir;  // empty: no adapter
    QString checkpoint;  // Trainer output folder: N, latest, best; empty: latest
    QString adapterForm = QStringLiteral("unmerged");
    QString dtype = QStringLiteral("bfloat16");
    QString deviceNumerics = QStringLiteral("cuda");
    QString torchaoVersion = QStringLiteral("0.18");
    QString scheme = QStringLiteral("int4_weight_only");
    int groupSize = 128;  // written only for schemes that take a group size
    QString repr;         // torchao's printed config; when set it replaces scheme/group size
};

// The recipe YAML of recipe.h for `fields` (paths written as given, every text value quoted).
QString recipeYaml(const RecipeFields& fields);
// Why `fields` cannot make a runnable recipe (empty when they can): the model dir must be a folder
// with config.json; an adapter dir, when given, a folder with adapter_config.json.
QString recipeFieldsProblem(const RecipeFields& fields);

// A YAML double-quoted scalar of `text` (quotes, backslashes and control characters escaped).
QString yamlQuoted(const QString& text);

class RecipeBuilderDialog : public QDialog {
    Q_OBJECT
public:
    RecipeBuilderDialog(const QString& side, QWidget* parent = nullptr);
    RecipeFields fields() const;
    QString savedPath() const { return m_savedPath; }

private:
    void saveAndAccept();

    QLineEdit* m_model;
    QLineEdit* m_revision;
    QLineEdit* m_adapter;
    QLineEdit* m_checkpoint;
    QLabel* m_error;
    QComboBox* m_form;
    NumericsForm* m_numerics;
    QString m_side;
    QString m_savedPath;
};

}  // namespace ql::ui
