// The Overview's "What to change" card: the diagnosis' ranked causes with their measured effect, and a
// button that writes the fixed eval recipe (only when its track matched train) and opens it. Hidden
// when the report has no diagnosis (train and eval compute the same numerics).
#pragma once

#include <quantlens/verify_report.h>

#include <QGroupBox>
#include <memory>

class QLabel;
class QPushButton;

namespace ql::ui {

class WhatToChangeCard : public QGroupBox {
    Q_OBJECT
public:
    explicit WhatToChangeCard(QWidget* parent = nullptr);
    void setReport(const std::shared_ptr<const VerifyReport>& report);
    QPushButton* writeButton() const { return m_write; }
    QLabel* table() const { return m_table; }
    // Writes the fixed recipe to `path` (refusing a file QuantLens did not write); the error text, or empty.
    QString writeTo(const QString& path) const;

private:
    void onWrite();

    std::shared_ptr<const VerifyReport> m_report;
    QLabel* m_table;
    QPushButton* m_write;
};

}  // namespace ql::ui
