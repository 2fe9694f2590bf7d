// The numerics rows both recipe dialogs (New recipe…, Open checkpoint…) show, built once: scheme,
// group size, a pasted torchao config, dtype, device numerics and torchao version. The scheme and
// release lists come from the scheme and torchao release tables (quant_schemes.h, torchao_releases.h),
// each item's tooltip says what it means; the group size is enabled only for schemes that take one.
#pragma once

#include <QObject>
#include <QString>
#include <optional>

class QComboBox;
class QFormLayout;
class QPlainTextEdit;
class QSpinBox;
class QWidget;

namespace ql::ui {

struct NumericsChoice {
    QString scheme = QStringLiteral("int4_weight_only");  // a scheme table name
    int groupSize = 128;
    QString repr;  // torchao's printed config; when set it replaces scheme and group size
    QString dtype = QStringLiteral("bfloat16");
    QString deviceNumerics = QStringLiteral("cuda");
    QString torchaoVersion = QStringLiteral("0.18");
};

// Whether the recipe key group_size applies to `scheme` (a scheme table name).
bool schemeTakesGroupSize(const QString& scheme);

class NumericsForm : public QObject {
    Q_OBJECT
public:
    // Adds the rows to `form`; the widgets are children of `parent`.
    NumericsForm(QWidget* parent, QFormLayout* form, const NumericsChoice& defaults);

    NumericsChoice values() const;
    // The group size when the chosen scheme takes one and no repr replaces it.
    std::optional<int> groupSizeIfApplies() const;
    void setScheme(const QString& scheme, int groupSize);

private:
    void schemeChanged();

    QComboBox* m_scheme;
    QSpinBox* m_groupSize;
    QPlainTextEdit* m_repr;
    QComboBox* m_dtype;
    QComboBox* m_device;
    QComboBox* m_torchao;
};

}  // namespace ql::ui
