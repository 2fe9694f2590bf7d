// Runs a piece of work off the GUI thread (Qt's global thread pool) and hands its result to `done`
// on the GUI thread, unless `context` was destroyed first. For short jobs (reading a report JSON,
// diffing two recipes); verification itself runs on the JobRunner.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>
#include <functional>
#include <utility>

namespace ql::ui {

template <typename T>
void runOffGuiThread(QObject* context, std::function<T()> work, std::function<void(T)> done) {
    auto* watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done = std::move(done)] {
        done(watcher->future().takeResult());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

}  // namespace ql::ui
