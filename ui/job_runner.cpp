#include "ui/job_runner.h"

#include <QPointer>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

namespace ql::ui {

JobRunner::JobRunner(QObject* parent) : QObject(parent) {
    qRegisterMetaType<ReportPtr>();
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("ql.verify"));
}

JobRunner::~JobRunner() {
    cancel();
    m_pool.waitForDone();
}

bool JobRunner::isRunning() const {
    return m_watcher != nullptr;
}

void JobRunner::cancel() {
    if (m_watcher) {
        m_watcher->future().cancel();
    }
}

void JobRunner::start(VerifyJob job) {
    if (m_watcher) {  // supersede: the old job sees the cancel at its next progress call
        m_watcher->future().cancel();
        m_watcher->disconnect(this);
        m_watcher->deleteLater();
        m_watcher = nullptr;
    }
    const quint64 jobId = ++m_jobId;
    QPointer<JobRunner> self(this);
    // The progress callback runs on the worker; it forwards by queued invocation and polls the
    // promise's cancel state (set by cancel() or by a superseding start()).
    auto makeProgress = [self, jobId](QPromise<Outcome>& promise) {
        return [self, jobId, &promise](const Progress& progress) {
            if (promise.isCanceled()) {
                return false;
            }
            QMetaObject::invokeMethod(
                self.data(),
                [self, jobId, progress] {
                    if (self) {
                        self->reportProgress(jobId, progress);
                    }
                },
                Qt::QueuedConnection);
            return true;
        };
    };
    auto* watcher = new QFutureWatcher<Outcome>(this);
    m_watcher = watcher;
    connect(watcher, &QFutureWatcherBase::finished, this, [this, jobId, watcher] { deliver(jobId, watcher); });
    watcher->setFuture(QtConcurrent::run(&m_pool, [job = std::move(job), makeProgress](QPromise<Outcome>& promise) {
        promise.addResult(runJob(promise, job, makeProgress(promise)));
    }));
    Q_EMIT started();
}

JobRunner::Outcome JobRunner::runJob(QPromise<Outcome>& promise, const VerifyJob& job, const ProgressFn& progress) {
    Outcome outcome;
    try {
        Result<VerifyReport> result = job(progress);
        if (result.ok()) {
            outcome.report = std::make_shared<const VerifyReport>(std::move(result).value());
        } else if (result.error().code == ErrorCode::Cancelled) {
            outcome.cancelled = true;
        } else {
            outcome.error = QString::fromStdString(result.error().message);
        }
    } catch (const std::exception& e) {  // the core never throws; this guards injected jobs
        outcome.error = QString::fromUtf8(e.what());
    }
    outcome.cancelled = outcome.cancelled || promise.isCanceled();
    return outcome;
}

void JobRunner::reportProgress(quint64 jobId, const Progress& progress) {
    if (jobId != m_jobId || !m_watcher) {
        return;  // a superseded job
    }
    Q_EMIT progressChanged(QString::fromStdString(progress.stage), QString::fromStdString(progress.item), progress.done,
                           progress.total);
}

void JobRunner::deliver(quint64 jobId, QFutureWatcher<Outcome>* watcher) {
    watcher->deleteLater();
    if (jobId != m_jobId || watcher != m_watcher) {
        return;
    }
    m_watcher = nullptr;
    const QFuture<Outcome> future = watcher->future();
    // A cancelled QFuture drops results added afterwards, so "no result" also means cancelled.
    if (future.isCanceled() || future.resultCount() == 0) {
        Q_EMIT cancelled();
        return;
    }
    const Outcome outcome = future.result();
    if (outcome.cancelled) {
        Q_EMIT cancelled();
    } else if (!outcome.error.isEmpty()) {
        Q_EMIT failed(outcome.error);
    } else {
        Q_EMIT finished(outcome.report);
    }
}

}  // namespace ql::ui
