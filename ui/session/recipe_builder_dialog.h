// Builds a recipe in the app (model dir, adapter dir and LoRA form, scheme, group size, dtype,
// device numerics, torchao version) and saves it as YAML; the written path is the result.
#pragma once

#include <QDialog>

class QComboBox;
class QFormLayout;
class QLineEdit;
class QSpinBox;

namespace ql::ui {

struct RecipeFields {
    QString modelDir;
    QString adapterDir;            // empty: no adapter
    QString adapterForm = QStringLiteral("unmerged");
    QString dtype = QStringLiteral("bfloat16");
    QString deviceNumerics = QStringLiteral("cuda");
    QString torchaoVersion = QStringLiteral("0.18");
    QString scheme = QStringLiteral("int4_weight_only");
    int groupSize = 128;
};

// The recipe YAML of recipe.h for `fields` (paths written as given).
QString recipeYaml(const RecipeFields& fields);
// Why `fields` cannot make a runnable recipe (empty when they can): the model dir must be a folder
// with config.json; an adapter dir, when given, a folder with adapter_config.json.
QString recipeFieldsProblem(const RecipeFields& fields);

class RecipeBuilderDialog : public QDialog {
    Q_OBJECT
public:
    RecipeBuilderDialog(const QString& side, QWidget* parent = nullptr);
    RecipeFields fields() const;
    QString savedPath() const { return m_savedPath; }

private:
    void saveAndAccept();
    QLineEdit* addDirRow(QFormLayout* form, const QString& label);

    QLineEdit* m_model;
    QLineEdit* m_adapter;
    QComboBox* m_form;
    QComboBox* m_dtype;
    QComboBox* m_device;
    QComboBox* m_torchao;
    QComboBox* m_scheme;
    QSpinBox* m_groupSize;
    QString m_side;
    QString m_savedPath;
};

}  // namespace ql::ui
