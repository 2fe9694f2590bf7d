// Private: the demo workspace's tokenizer.json.
#pragma once

#include <string>

namespace ql::demo {

// A byte-level BPE tokenizer.json with `vocabSize` tokens.
std::string tokenizerJson(int vocabSize);

}  // namespace ql::demo
