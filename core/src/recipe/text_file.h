// Private: reads a whole text file (recipes, config JSON); throws recipe::ParseFailure naming the file.
#pragma once

#include <string>

namespace ql::recipe {

std::string readTextFileOrFail(const std::string& path, const std::string& what);

}  // namespace ql::recipe
