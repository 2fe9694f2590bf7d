#include "ui/format.h"

#include <QLocale>
#include <cmath>

namespace ql::ui {

QString qs(const std::string& text) {
    return QString::fromStdString(text);
}

QString formatNumber(double value) {
    if (std::isnan(value)) {
        return QStringLiteral("NaN");
    }
    if (std::isinf(value)) {
        return value > 0 ? QStringLiteral("∞") : QStringLiteral("-∞");
    }
    if (value == 0.0) {
        return QStringLiteral("0");
    }
    const double magnitude = std::fabs(value);
    if (magnitude < 1e-3 || magnitude >= 1e5) {
        return QString::number(value, 'e', 2);
    }
    return QString::number(value, 'g', 4);
}

QString formatDb(double value) {
    if (std::isinf(value) && value > 0) {
        return QStringLiteral("∞ dB");
    }
    return QString::number(value, 'f', 1) + QStringLiteral(" dB");
}

QString formatBytes(std::uint64_t bytes) {
    return QLocale::c().formattedDataSize(static_cast<qint64>(bytes), 1, QLocale::DataSizeIecFormat);
}

QString formatPercent(double fraction) {
    return QString::number(fraction * 100.0, 'f', 1) + QStringLiteral(" %");
}

QString formatCount(std::uint64_t count) {
    QLocale locale = QLocale::c();
    locale.setNumberOptions(QLocale::DefaultNumberOptions);
    return locale.toString(static_cast<qulonglong>(count));
}

}  // namespace ql::ui
