// Includes QCustomPlot under QT_NO_KEYWORDS: its header still spells `signals:` and `foreach`,
// so both are mapped to their Q_ macros for the duration of the include only.
#pragma once

#ifndef signals
#define signals Q_SIGNALS
#define QL_QCP_UNDEF_SIGNALS
#endif
#ifndef foreach
#define foreach Q_FOREACH
#define QL_QCP_UNDEF_FOREACH
#endif

#include <qcustomplot.h>

#ifdef QL_QCP_UNDEF_SIGNALS
#undef signals
#undef QL_QCP_UNDEF_SIGNALS
#endif
#ifdef QL_QCP_UNDEF_FOREACH
#undef foreach
#undef QL_QCP_UNDEF_FOREACH
#endif
