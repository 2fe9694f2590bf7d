// "Open checkpoint…": builds both recipes from a training checkpoint alone (the same builder as
// `quantlens verify --adapter`): train = adapter unmerged, eval = adapter merged, same numerics. The
// recipes are written as train.yaml / eval.yaml into a folder of QuantLens' own (never into the
// user's adapter folder) and their paths are the result.
#pragma once

#include <quantlens/checkpoint_recipes.h>
#include <quantlens/result.h>

#include <QDialog>
#include <QString>
#include <utility>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace ql::ui {

// Builds the two recipes for `options` and writes them into `folder`; returns (train, eval) paths.
Result<std::pair<QString, QString>> writeCheckpointRecipes(const CheckpointRecipeOptions& options, const QString& folder);

// Where recipes built from `adapter` go by default: <app data>/checkpoints/<adapter folder name>.
QString defaultRecipeFolder(const QString& adapter);

class CheckpointDialog : public QDialog {
    Q_OBJECT
public:
    explicit CheckpointDialog(QWidget* parent = nullptr);

    CheckpointRecipeOptions options() const;
    QString trainPath() const { return m_trainPath; }
    QString evalPath() const { return m_evalPath; }
    QString errorText() const;

    // Fills the fields (tests and drops); the folder follows the adapter unless set explicitly.
    void setAdapter(const QString& adapter);
    void setFolder(const QString& folder);
    void setScheme(const QString& scheme, int groupSize);

    // Builds and writes the recipes; on failure shows the one-line error in the dialog.
    bool createRecipes();

private:
    QLineEdit* m_adapter;
    QLineEdit* m_checkpoint;
    QLineEdit* m_model;
    QLineEdit* m_revision;
    QComboBox* m_scheme;
    QSpinBox* m_groupSize;
    QPlainTextEdit* m_repr;
    QComboBox* m_dtype;
    QComboBox* m_device;
    QComboBox* m_torchao;
    QLineEdit* m_folder;
    QLabel* m_error;
    QString m_trainPath;
    QString m_evalPath;
};

}  // namespace ql::ui
