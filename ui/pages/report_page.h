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
    virtual QList<QAbstractItemModel*> tables() const { return {}; }
    // One paragraph of the tab's key numbers (plain text) for exports.
    virtual QString summary() const { return {}; }
};

}  // namespace ql::ui
