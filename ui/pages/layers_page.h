// Layers: module types, dtypes and bytes before vs after convert, totals and compression, codes
// and fake-vs-real dequant per module, and the fake-quant vs real-int4 logit agreement.
#pragma once

#include "ui/pages/report_page.h"

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace ql::ui {

class ConvertRowsModel;

class LayersPage : public ReportPage {
    Q_OBJECT
public:
    explicit LayersPage(QWidget* parent = nullptr);
    QString title() const override { return tr("Layers"); }
    void setReport(const ReportPtr& report) override;
    QList<QAbstractItemModel*> tables() const override;
    QString summary() const override;

private:
    ConvertRowsModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QLabel* m_totals;
};

}  // namespace ql::ui
