// Tables of a report comparison: the checks with their verdict in A and B, the convert deployments
// with theirs, and every module with its weight metrics in A and B and how its verdict changed.
#pragma once

#include <quantlens/report_compare.h>

#include <QList>
#include <QPair>
#include <memory>

#include "ui/models/row_table_model.h"

namespace ql::ui {

using ComparisonPtr = std::shared_ptr<const ReportComparison>;

class CompareChecksModel : public RowTableModel<CheckChange> {
public:
    explicit CompareChecksModel(QObject* parent = nullptr);
    void setComparison(const ComparisonPtr& comparison);
};

// Each convert deployment (like for like; merge, then convert): verdict, argmax agreement and
// logits max |Δ| in A and B; a deployment whose verdict goes pass -> fail got worse.
class CompareDeploymentsModel : public RowTableModel<DeploymentDelta> {
public:
    enum ColumnIndex { Deployment, VerdictA, VerdictB, ArgmaxA, ArgmaxB, LogitsA, LogitsB, Change };
    explicit CompareDeploymentsModel(QObject* parent = nullptr);
    void setComparison(const ComparisonPtr& comparison);
};

class CompareModulesModel : public RowTableModel<ModuleDelta> {
public:
    enum ColumnIndex { Module, Layer, Type, MaxAbsA, MaxAbsB, Ratio, SqnrA, SqnrB, VerdictA, VerdictB, Change };
    explicit CompareModulesModel(QObject* parent = nullptr);
    void setComparison(const ComparisonPtr& comparison);
};

// The key numbers of both reports side by side (logits, weights, convert), with B − A.
class CompareNumbersModel : public RowTableModel<ScalarDelta> {
public:
    explicit CompareNumbersModel(QObject* parent = nullptr);
    void setComparison(const ComparisonPtr& comparison);

private:
    QString numberName(const ScalarDelta& scalar) const;

    QList<QPair<QString, QString>> m_deploymentTitles;  // "convert <id>:" -> "<title>:"
};

QString changeText(bool worse, bool better);  // "worse", "better", ""

}  // namespace ql::ui
