#include "ui/export/csv_export.h"

#include <QAbstractItemModel>
#include <QSaveFile>

#include "ui/models/row_table_model.h"

namespace ql::ui {

namespace {
QString csvField(QString text) {
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) || text.contains(QLatin1Char('\n')) ||
        text.contains(QLatin1Char('\r'))) {
        text.replace(QLatin1String("\""), QLatin1String("\"\""));
        return QLatin1Char('"') + text + QLatin1Char('"');
    }
    return text;
}

bool isNumber(const QVariant& value) {
    switch (value.typeId()) {
        case QMetaType::Double:
        case QMetaType::Float:
        case QMetaType::Int:
        case QMetaType::UInt:
        case QMetaType::LongLong:
        case QMetaType::ULongLong:
            return true;
        default:
            return false;
    }
}

QString cellText(const QAbstractItemModel& model, int row, int column) {
    const QModelIndex index = model.index(row, column);
    const QVariant raw = model.data(index, kSortRole);
    if (isNumber(raw)) {
        return raw.typeId() == QMetaType::Double || raw.typeId() == QMetaType::Float
                   ? QString::number(raw.toDouble(), 'g', 17)
                   : raw.toString();
    }
    return model.data(index, Qt::DisplayRole).toString();
}
}  // namespace

QString modelToCsv(const QAbstractItemModel& model) {
    QStringList lines;
    QStringList header;
    for (int c = 0; c < model.columnCount(); ++c) header << csvField(model.headerData(c, Qt::Horizontal).toString());
    lines << header.join(QLatin1Char(','));
    for (int r = 0; r < model.rowCount(); ++r) {
        QStringList fields;
        for (int c = 0; c < model.columnCount(); ++c) fields << csvField(cellText(model, r, c));
        lines << fields.join(QLatin1Char(','));
    }
    return lines.join(QStringLiteral("\r\n")) + QStringLiteral("\r\n");
}

Status writeCsv(const QAbstractItemModel& model, const QString& path) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(modelToCsv(model).toUtf8()) < 0 || !file.commit()) {
        return makeError(ErrorCode::Io,
                         QStringLiteral("%1: cannot write the CSV (%2)").arg(path, file.errorString()).toStdString());
    }
    return Ok{};
}

}  // namespace ql::ui
