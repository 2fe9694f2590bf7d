// "Open checkpoint…": builds both recipes from a training checkpoint alone (the same builder as
// `quantlens verify --adapter`): by default train = adapter unmerged, eval = adapter merged (each
// side's form is a choice), same numerics. The recipes are written as train.yaml / eval.yaml into a
// folder of QuantLens' own (never into the user's adapter folder), in a checkpoint-N sub-folder when
// the adapter is a Trainer output folder (N as resolved: opening checkpoint 10 never replaces the
// recipes of checkpoint 20), and their paths are the result. A model folder that does not exist is
// refused when the recipes are created, not when they run.
#pragma once

#include <quantlens/checkpoint_recipes.h>
#include <quantlens/result.h>

#include <QDialog>
#include <QString>
#include <utility>

class QComboBox;
class QLabel;
class QLineEdit;

namespace ql::ui {

class NumericsForm;

// Where the recipes built under `folder` go: <folder>/checkpoint-N when the adapter resolved to a
// Trainer output folder's checkpoint-N, else `folder` itself.
QString checkpointRecipeFolder(const QString& folder, const CheckpointRecipes& recipes);

// Builds the two recipes for `options` and writes them into checkpointRecipeFolder(folder, ...);
// returns the (train, eval) paths. Errors: the builder's, a missing model folder, a file there that
// QuantLens did not write.
Result<std::pair<QString, QString>> writeCheckpointRecipes(const CheckpointRecipeOptions& options,
                                                           const QString& folder);

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
    void setCheckpoint(const QString& checkpoint);  // N, latest or best
    void setModel(const QString& model);
    void setForms(const QString& train, const QString& eval);  // unmerged | merged | qat_after_peft

    // Builds and writes the recipes; on failure shows the one-line error in the dialog.
    bool createRecipes();

private:
    QLineEdit* m_adapter;
    QLineEdit* m_checkpoint;
    QLineEdit* m_model;
    QLineEdit* m_revision;
    NumericsForm* m_numerics;
    QComboBox* m_trainForm;
    QComboBox* m_evalForm;
    QLineEdit* m_folder;
    QLabel* m_error;
    QString m_trainPath;
    QString m_evalPath;
};

}  // namespace ql::ui
