// What a headless export (the command line's --export, `quantlens export`) needs around it: a
// QApplication (an offscreen one is created, and destroyed with this object, when the process has
// none), and Qt's own diagnostics (offscreen platform notes, QPainter failures) routed into the core
// log at debug level, so the command line keeps its one-line error contract. Main thread only.
#pragma once

#include <quantlens/result.h>

#include <QApplication>
#include <QtGlobal>
#include <memory>

namespace ql::ui {

class HeadlessGui {
public:
    HeadlessGui();
    ~HeadlessGui();
    HeadlessGui(const HeadlessGui&) = delete;
    HeadlessGui& operator=(const HeadlessGui&) = delete;
    // Not ok when the process has a QCoreApplication that is not a QApplication.
    const Status& status() const { return m_status; }

private:
    QtMessageHandler m_previous;
    std::unique_ptr<QApplication> m_ownApp;
    Status m_status = Ok{};
};

}  // namespace ql::ui
