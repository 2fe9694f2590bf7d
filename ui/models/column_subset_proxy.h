// A view of some columns of a table, optionally sorted (descending) by one of them: what a PDF page
// has room for. Exports on paper use it; the views, CSV and HTML keep every column.
#pragma once

#include <QSortFilterProxyModel>
#include <vector>

namespace ql::ui {

class ColumnSubsetProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    // `columns`: source column indices to keep, in source order. `sortColumn` (a source column,
    // -1: none): rows sorted by its sort role, largest first; `caption` says what the rows are.
    ColumnSubsetProxy(QAbstractItemModel* source, std::vector<int> columns, int sortColumn, QObject* parent);

protected:
    bool filterAcceptsColumn(int sourceColumn, const QModelIndex& sourceParent) const override;

private:
    std::vector<int> m_columns;
};

}  // namespace ql::ui
