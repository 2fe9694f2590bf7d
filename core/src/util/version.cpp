#include "quantlens/version.h"

namespace ql {

const char* quantlensVersion() {
    return QL_VERSION;
}

}  // namespace ql
