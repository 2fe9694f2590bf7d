// Unicode-version bridge between PCRE2 10.42 (Unicode 14) and HF tokenizers' regex engines
// (Unicode 16), see tokenizer_unicode.cpp.
#pragma once

#include <string_view>

namespace ql::detail {

// PCRE2 class items for the code points Unicode 15-16 added to general category / property
// `property` ("L", "N", "M", "Nd", "Alphabetic"); nullptr for any other property (unchanged).
const char* unicode16Additions(std::string_view property);

}  // namespace ql::detail
