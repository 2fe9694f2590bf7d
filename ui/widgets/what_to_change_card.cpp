#include "ui/widgets/what_to_change_card.h"

#include <quantlens/fixed_eval_recipe.h>

#include <QDesktopServices>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

#include "ui/diagnosis_text.h"
#include "ui/format.h"

namespace ql::ui {

WhatToChangeCard::WhatToChangeCard(QWidget* parent)
    : QGroupBox(tr("What to change"), parent), m_table(new QLabel(this)), m_write(new QPushButton(this)) {
    setObjectName(QStringLiteral("whatToChange"));
    m_table->setTextFormat(Qt::RichText);
    m_table->setWordWrap(true);
    m_table->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_write->setObjectName(QStringLiteral("writeFixedEval"));
    m_write->setText(tr("Write fixed eval recipe…"));
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table);
    layout->addWidget(m_write, 0, Qt::AlignLeft);
    connect(m_write, &QPushButton::clicked, this, &WhatToChangeCard::onWrite);
    setReport(nullptr);
}

void WhatToChangeCard::setReport(const std::shared_ptr<const VerifyReport>& report) {
    m_report = report;
    const bool shown = report && report->diagnosis;
    setVisible(shown);
    if (!shown) {
        m_table->clear();
        return;
    }
    const Diagnosis& d = *report->diagnosis;
    m_table->setText(diagnosisHtml(d, false));
    const bool writable = d.fixedRecipeMatchesTrain && !d.fixedEvalYaml.empty();
    m_write->setEnabled(writable);
    m_write->setToolTip(writable
                            ? tr("The eval recipe with every difference set to train's value; its track matched train")
                            : tr("Not offered: with every recipe difference reverted eval still differs from train"));
}

QString WhatToChangeCard::writeTo(const QString& path) const {
    if (!m_report || !m_report->diagnosis) return tr("no diagnosis in this report");
    FixedEvalRecipe recipe;
    recipe.yaml = m_report->diagnosis->fixedEvalYaml;
    const Status s = writeFixedEvalRecipe(recipe, path.toStdString());
    return s ? QString() : qs(s.error().message);
}

void WhatToChangeCard::onWrite() {
    const QString start = m_report ? QFileInfo(qs(m_report->eval.recipeFile)).absolutePath() : QString();
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Write fixed eval recipe"), start + QStringLiteral("/eval_fixed.yaml"), tr("Recipes (*.yaml *.yml)"));
    if (path.isEmpty()) return;
    if (const QString error = writeTo(path); !error.isEmpty()) {
        QMessageBox::warning(this, tr("Write fixed eval recipe"), error);
        return;
    }
    QDesktopServices::openUrl(QUrl::fromLocalFile(path));
}

}  // namespace ql::ui
