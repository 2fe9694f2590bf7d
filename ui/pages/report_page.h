// A tab of the inspector. Pages draw from the immutable report snapshot handed to setReport()
// and expose their plots and tables so the exporters can render them without the window.
#pragma once

#include <QList>
#include <QWidget>

#include "ui/job_runner.h"

class QAbstractItemModel;
class QCustomPlot;

namespace ql::ui {

class ReportPage : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;

    virtual QString title() const = 0;
    // Replaces the snapshot; nullptr clears the page.
    virtual void setReport(const ReportPtr& report) = 0;
    virtual QList<QCustomPlot*> plots() const { return {}; }
    // The plots a report export draws for this tab (default: all of them).
    virtual QList<QCustomPlot*> exportPlots() const { return plots(); }
    virtual QList<QAbstractItemModel*> tables() const { return {}; }
    // The tables a paper export draws (default: all of them, every column); a page may offer a
    // narrower, sorted view where an A4 width has no room for every column.
    virtual QList<QAbstractItemModel*> paperTables() const { return tables(); }
    // Said under a paper table that shows only some of its rows (how they were chosen).
    virtual QString paperTableCaption(const QAbstractItemModel*) const { return {}; }
    // One paragraph of the tab's key numbers (plain text) for exports.
    virtual QString summary() const { return {}; }
    // Explanations and recommendations for exports, as simple HTML (<p>, <b>, <ul>); may be empty.
    virtual QString explanationHtml() const { return {}; }
};

}  // namespace ql::ui
