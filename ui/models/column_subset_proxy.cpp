#include "ui/models/column_subset_proxy.h"

#include <algorithm>

#include "ui/models/row_table_model.h"

namespace ql::ui {

ColumnSubsetProxy::ColumnSubsetProxy(QAbstractItemModel* source, std::vector<int> columns, int sortColumn,
                                     QObject* parent)
    : QSortFilterProxyModel(parent), m_columns(std::move(columns)) {
    setSourceModel(source);
    setSortRole(kSortRole);
    setDynamicSortFilter(true);
    if (sortColumn >= 0) {
        const auto at = std::find(m_columns.begin(), m_columns.end(), sortColumn);
        if (at != m_columns.end()) sort(static_cast<int>(at - m_columns.begin()), Qt::DescendingOrder);
    }
}

bool ColumnSubsetProxy::filterAcceptsColumn(int sourceColumn, const QModelIndex&) const {
    return std::find(m_columns.begin(), m_columns.end(), sourceColumn) != m_columns.end();
}

}  // namespace ql::ui
