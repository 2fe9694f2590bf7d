// JobRunner: finished / failed / cancelled reach the GUI thread once; cancel mid-run and a
// superseding start leave the runner usable.
#include "ui/job_runner.h"

#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTest>
#include <atomic>
#include <thread>

#include "sample_report.h"

namespace ql::ui {
namespace {

constexpr int kTimeoutMs = 5000;

VerifyJob quickJob() {
    return [](const ProgressFn& progress) -> Result<VerifyReport> {
        progress(Progress{"weights", "m", 1, 1});
        return test::sampleReport();
    };
}

// Reports progress until cancelled (then returns Cancelled as the core does).
VerifyJob endlessJob(std::atomic<int>* calls) {
    return [calls](const ProgressFn& progress) -> Result<VerifyReport> {
        for (;;) {
            ++*calls;
            if (!progress(Progress{"weights", "module", *calls, 0})) {
                return makeError(ErrorCode::Cancelled, "cancelled");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    };
}

TEST(JobRunner, DeliversTheReportOnFinish) {
    JobRunner runner;
    QSignalSpy finished(&runner, &JobRunner::finished);
    QSignalSpy progress(&runner, &JobRunner::progressChanged);
    runner.start(quickJob());
    EXPECT_TRUE(runner.isRunning());
    ASSERT_TRUE(finished.wait(kTimeoutMs));
    const auto report = finished.at(0).at(0).value<ReportPtr>();
    ASSERT_TRUE(report);
    EXPECT_EQ(report->weights->modules.size(), static_cast<size_t>(test::kSampleModules));
    EXPECT_FALSE(runner.isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(progress.count(), 1, kTimeoutMs);
    EXPECT_EQ(progress.at(0).at(0).toString(), QStringLiteral("weights"));
}

TEST(JobRunner, ReportsFailureMessage) {
    JobRunner runner;
    QSignalSpy failed(&runner, &JobRunner::failed);
    QSignalSpy finished(&runner, &JobRunner::finished);
    runner.start([](const ProgressFn&) -> Result<VerifyReport> {
        return makeError(ErrorCode::InvalidInput, "train.yaml: field `model` missing");
    });
    ASSERT_TRUE(failed.wait(kTimeoutMs));
    EXPECT_EQ(failed.at(0).at(0).toString(), QStringLiteral("train.yaml: field `model` missing"));
    EXPECT_EQ(finished.count(), 0);
}

TEST(JobRunner, CancelMidRunThenRunAgain) {
    JobRunner runner;
    QSignalSpy cancelled(&runner, &JobRunner::cancelled);
    QSignalSpy finished(&runner, &JobRunner::finished);
    std::atomic<int> calls{0};
    runner.start(endlessJob(&calls));
    QTRY_VERIFY_WITH_TIMEOUT(calls.load() > 3, kTimeoutMs);
    runner.cancel();
    ASSERT_TRUE(cancelled.wait(kTimeoutMs));
    EXPECT_FALSE(runner.isRunning());
    runner.start(quickJob());  // usable after a cancel
    ASSERT_TRUE(finished.wait(kTimeoutMs));
    EXPECT_EQ(cancelled.count(), 1);
}

TEST(JobRunner, NewerJobSupersedesTheRunningOne) {
    JobRunner runner;
    QSignalSpy cancelled(&runner, &JobRunner::cancelled);
    QSignalSpy finished(&runner, &JobRunner::finished);
    std::atomic<int> calls{0};
    runner.start(endlessJob(&calls));
    QTRY_VERIFY_WITH_TIMEOUT(calls.load() > 0, kTimeoutMs);
    runner.start(quickJob());
    ASSERT_TRUE(finished.wait(kTimeoutMs));
    QTest::qWait(50);
    EXPECT_EQ(finished.count(), 1);
    EXPECT_EQ(cancelled.count(), 0);  // the superseded job's outcome is dropped silently
}

TEST(JobRunner, DestructorCancelsARunningJob) {
    std::atomic<int> calls{0};
    {
        JobRunner runner;
        runner.start(endlessJob(&calls));
        QTRY_VERIFY_WITH_TIMEOUT(calls.load() > 0, kTimeoutMs);
    }  // must return: the destructor cancels and waits
    const int after = calls.load();
    QTest::qWait(20);
    EXPECT_EQ(calls.load(), after);
}

}  // namespace
}  // namespace ql::ui
