// The QuantLens version, from CMakeLists.txt's project(VERSION): the one place it is written.
#pragma once

namespace ql {

const char* quantlensVersion();  // "0.2.0"

}  // namespace ql
