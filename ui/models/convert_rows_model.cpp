#include "ui/models/convert_rows_model.h"

#include <QColor>

#include "ui/format.h"
#include "ui/metric_help.h"
#include "ui/models/weight_modules_model.h"
#include "ui/report_views.h"

namespace ql::ui {

namespace {
QString codesText(const std::optional<bool>& identical) {
    if (!identical) {
        return QObject::tr("n/a");
    }
    return *identical ? QObject::tr("✓ identical") : QObject::tr("✗ differ");
}

double ratio(const ConvertModuleRow& r) {
    return r.bytesAfter == 0 ? 0.0 : static_cast<double>(r.bytesBefore) / static_cast<double>(r.bytesAfter);
}
}  // namespace

ConvertRowsModel::ConvertRowsModel(QObject* parent) : RowTableModel(parent) {
    using R = ConvertModuleRow;
    setColumns({
        {tr("Module"), {}, [](const R& r) { return qs(r.module); }},
        {tr("Type before"), tr("module type after QAT prepare (fake quant)"),
         [](const R& r) { return qs(r.typeBefore); }},
        {tr("Type after"), tr("module type after convert (real low-bit weights)"),
         [](const R& r) { return qs(r.typeAfter); }},
        {tr("dtype before"), {}, [](const R& r) { return qs(r.dtypeBefore); }},
        {tr("dtype after"), {}, [](const R& r) { return qs(r.dtypeAfter); }},
        {tr("Shape"), {}, [](const R& r) { return shapeText(r.shape); }},
        {tr("Bytes before"),
         {},
         [](const R& r) { return formatBytes(r.bytesBefore); },
         [](const R& r) { return static_cast<qulonglong>(r.bytesBefore); },
         true},
        {tr("Bytes after"),
         {},
         [](const R& r) { return formatBytes(r.bytesAfter); },
         [](const R& r) { return static_cast<qulonglong>(r.bytesAfter); },
         true},
        {tr("Compression"), metricHelp::kCompression,
         [](const R& r) { return QString::number(ratio(r), 'f', 2) + QStringLiteral("×"); },
         [](const R& r) { return ratio(r); }, true},
        {tr("Codes"), tr("integer codes of the fake quant equal the converted codes"),
         [](const R& r) { return codesText(r.codesIdentical); }},
        {tr("bf16-rounded scales"), tr("groups whose fp32 scale changed when stored as bf16"),
         [](const R& r) { return formatCount(r.scalesRoundedInBf16); },
         [](const R& r) { return static_cast<qulonglong>(r.scalesRoundedInBf16); }, true},
        {tr("dequant max |Δ|"), tr("fake-quant weight vs real dequantized weight: ") + metricHelp::kMaxAbs,
         [](const R& r) { return formatNumber(r.dequant.maxAbs); }, [](const R& r) { return r.dequant.maxAbs; }, true},
    });
    setRowBrush([](const R& r) {
        // Tinted when convert changed what fake quant computed: the codes (int4), or the weights
        // beyond tolerance (intx). The bf16 rounding of int4 scales is expected and not tinted.
        const bool bad = r.codesIdentical ? !*r.codesIdentical : r.dequant.outOfTolerance > 0;
        return bad ? QVariant(QBrush(QColor(0xff, 0xeb, 0xee))) : QVariant();
    });
}

void ConvertRowsModel::setReport(const ReportPtr& report) {
    const std::vector<DeploymentView> views = report ? deployments(*report) : std::vector<DeploymentView>{};
    setDeploymentRows(report, views.empty() ? nullptr : views.front().modules);
}

void ConvertRowsModel::setDeploymentRows(const ReportPtr& report, const std::vector<ConvertModuleRow>* rows) {
    setRows(report && rows ? Rows(report, rows) : Rows());
}

}  // namespace ql::ui
