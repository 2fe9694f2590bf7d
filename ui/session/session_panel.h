// The session dock: train and eval recipe (open a YAML, build one, or build both from a training
// checkpoint), where each recipe's model and adapter resolve to, prompts, device, attention kernel,
// tolerances (weights; logits and hidden states) and checks, and the Run button.
// Accepts drops of .yaml files (train first, then eval), session .json files and folders holding
// train.yaml / eval.yaml (/ prompts.txt).
#pragma once

#include <QWidget>

#include "ui/session/session.h"

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace ql::ui {

class SessionPanel : public QWidget {
    Q_OBJECT
public:
    explicit SessionPanel(QWidget* parent = nullptr);

    Session session() const;
    void setSession(const Session& session);
    void setRecipe(bool train, const QString& path);
    // Fills the session from a folder with train.yaml, eval.yaml and optionally prompts.txt.
    bool loadFolder(const QString& dir);

    QPushButton* runButton() const { return m_run; }

Q_SIGNALS:
    void sessionFileDropped(const QString& path);
    void changed();
    void runRequested();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    QLineEdit* addRecipeRow(QFormLayout* form, bool train);
    QLineEdit* addToleranceEdit(const QString& toolTip);
    void addRunOptions(QFormLayout* form);
    void openRecipe(bool train);
    void buildRecipe(bool train);
    void openCheckpoint();
    void updateSummary(bool train);

    QLineEdit* m_train;
    QLineEdit* m_eval;
    QLabel* m_trainSummary;
    QLabel* m_evalSummary;
    QPlainTextEdit* m_prompts;
    QComboBox* m_device;
    QComboBox* m_attention;
    QLineEdit* m_weightAtol;
    QLineEdit* m_weightRtol;
    QLineEdit* m_logitAtol;
    QLineEdit* m_logitRtol;
    QPushButton* m_run;
    QCheckBox* m_activations;
    QCheckBox* m_convert;
    QCheckBox* m_merge;
};

}  // namespace ql::ui
