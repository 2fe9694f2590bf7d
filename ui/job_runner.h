// Runs one verification job at a time off the GUI thread (house rule 5).
// The job runs on a dedicated QThreadPool with one thread via QtConcurrent::run in promise mode;
// a newer start() supersedes (cancels) the running job and the old job's outcome is dropped;
// the destructor cancels and waits. All signals are emitted on the GUI thread.
#pragma once

#include <quantlens/progress.h>
#include <quantlens/result.h>
#include <quantlens/verify_report.h>

#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>
#include <functional>
#include <memory>

namespace ql::ui {

using ReportPtr = std::shared_ptr<const VerifyReport>;

// The work: called on the worker thread with a progress callback that returns false once the
// job was cancelled or superseded. Injected so tests (and the GUI) choose what runs.
using VerifyJob = std::function<Result<VerifyReport>(const ProgressFn&)>;

class JobRunner : public QObject {
    Q_OBJECT
public:
    explicit JobRunner(QObject* parent = nullptr);
    ~JobRunner() override;

    void start(VerifyJob job);
    void cancel();
    bool isRunning() const;

Q_SIGNALS:
    void started();
    void progressChanged(const QString& stage, const QString& item, qint64 done, qint64 total);
    void finished(ql::ui::ReportPtr report);
    void failed(const QString& message);
    void cancelled();

private:
    struct Outcome {
        ReportPtr report;
        QString error;
        bool cancelled = false;
    };
    static Outcome runJob(QPromise<Outcome>& promise, const VerifyJob& job, const ProgressFn& progress);
    void deliver(quint64 jobId, QFutureWatcher<Outcome>* watcher);
    void reportProgress(quint64 jobId, const Progress& progress);

    QThreadPool m_pool;
    QFutureWatcher<Outcome>* m_watcher = nullptr;  // of the current job; nullptr when idle
    quint64 m_jobId = 0;
};

}  // namespace ql::ui

Q_DECLARE_METATYPE(ql::ui::ReportPtr)
