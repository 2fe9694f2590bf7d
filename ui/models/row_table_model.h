// A read-only table over a vector of rows that lives inside a report snapshot (house rule 6).
// The model holds a shared_ptr aliasing into the report, so the rows stay alive and are never
// copied; setRows() replaces them wholesale between beginResetModel() and endResetModel().
// Qt::UserRole returns the column's sort key (numbers sort as numbers in QSortFilterProxyModel).
#pragma once

#include <QAbstractTableModel>
#include <QBrush>
#include <functional>
#include <memory>
#include <vector>

namespace ql::ui {

inline constexpr int kSortRole = Qt::UserRole;

template <typename Row>
class RowTableModel : public QAbstractTableModel {
public:
    struct Column {
        QString header;
        QString toolTip;  // defines the column's metric
        std::function<QVariant(const Row&)> display;
        std::function<QVariant(const Row&)> sortKey = {};  // defaults to display
        bool numeric = false;                              // right-aligned
    };
    using Rows = std::shared_ptr<const std::vector<Row>>;

    explicit RowTableModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}

    void setRows(Rows rows) {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
    }
    const Row* rowAt(int row) const {
        return m_rows && row >= 0 && row < static_cast<int>(m_rows->size()) ? &(*m_rows)[row] : nullptr;
    }

    int rowCount(const QModelIndex& parent = {}) const override {
        return parent.isValid() || !m_rows ? 0 : static_cast<int>(m_rows->size());
    }
    int columnCount(const QModelIndex& parent = {}) const override {
        return parent.isValid() ? 0 : static_cast<int>(m_columns.size());
    }
    QVariant data(const QModelIndex& index, int role) const override {
        const Row* row = index.isValid() ? rowAt(index.row()) : nullptr;
        if (!row || index.column() >= columnCount()) {
            return {};
        }
        const Column& column = m_columns[index.column()];
        switch (role) {
            case Qt::DisplayRole:
                return column.display(*row);
            case kSortRole:
                return column.sortKey ? column.sortKey(*row) : column.display(*row);
            case Qt::TextAlignmentRole:
                return QVariant::fromValue(column.numeric ? Qt::AlignRight | Qt::AlignVCenter
                                                          : Qt::AlignLeft | Qt::AlignVCenter);
            case Qt::BackgroundRole:
                return m_rowBrush ? m_rowBrush(*row) : QVariant();
            case Qt::ToolTipRole:
                return m_rowToolTip ? m_rowToolTip(*row) : QVariant();
            default:
                return {};
        }
    }
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override {
        if (orientation != Qt::Horizontal || section < 0 || section >= columnCount()) {
            return QAbstractTableModel::headerData(section, orientation, role);
        }
        if (role == Qt::DisplayRole) {
            return m_columns[section].header;
        }
        if (role == Qt::ToolTipRole && !m_columns[section].toolTip.isEmpty()) {
            return m_columns[section].toolTip;
        }
        return {};
    }

protected:
    void setColumns(std::vector<Column> columns) { m_columns = std::move(columns); }
    void setRowBrush(std::function<QVariant(const Row&)> brush) { m_rowBrush = std::move(brush); }
    void setRowToolTip(std::function<QVariant(const Row&)> toolTip) { m_rowToolTip = std::move(toolTip); }

private:
    std::vector<Column> m_columns;
    std::function<QVariant(const Row&)> m_rowBrush;
    std::function<QVariant(const Row&)> m_rowToolTip;
    Rows m_rows;
};

}  // namespace ql::ui
