// Tooltip text that defines every metric the inspector shows (one definition, used everywhere).
#pragma once

#include <QString>

namespace ql::ui::metricHelp {

inline const QString kMaxAbs =
    QStringLiteral("max |Δ|: largest absolute difference max|a−b| (a = train side, b = eval side)");
inline const QString kMeanAbs = QStringLiteral("mean |Δ|: mean of |a−b| over all compared elements");
inline const QString kRmse = QStringLiteral("RMSE: sqrt(mean((a−b)²))");
inline const QString kSqnr =
    QStringLiteral("SQNR: 10·log10(Σb² / Σ(a−b)²) in dB; higher is closer, ∞ when bit-identical");
inline const QString kCosine = QStringLiteral("cosine similarity of a and b (1 = same direction)");
inline const QString kDiffering = QStringLiteral("elements whose values are not bit-identical");
inline const QString kOutOfTolerance =
    QStringLiteral("elements failing Polygraphy's rule |a−b| ≤ atol OR |a−b| ≤ rtol·|b|");
inline const QString kKl = QStringLiteral("KL(train ‖ eval) of the next-token distributions at each position, in nats");
inline const QString kTop1 =
    QStringLiteral("fraction of positions where train and eval pick the same most likely token");
inline const QString kRelL2 = QStringLiteral("relative L2: ‖a−b‖ / ‖b‖ of the hidden state after the decoder layer");
inline const QString kCompression = QStringLiteral("bytes before convert / bytes after convert");
inline const QString kLoraDelta = QStringLiteral("magnitude of the LoRA update ΔW = s·B·A for this module");

}  // namespace ql::ui::metricHelp
