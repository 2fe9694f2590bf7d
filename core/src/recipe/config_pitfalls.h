// Private: the config check's findings beyond field-by-field differences: pitfalls of one side or of
// the pair (config_pitfalls.cpp), and the two sides' module coverage compared (config_coverage.cpp).
#pragma once

#include <quantlens/config_diff.h>

#include <string>
#include <vector>

namespace ql::recipe {

// Pitfalls of one side (`side` = "train"/"eval") and of the pair.
void sidePitfalls(const Recipe& recipe, const std::string& side, const std::vector<LayerShape>& layers,
                  std::vector<ConfigFinding>& out);
void pairPitfalls(const Recipe& train, const Recipe& eval, std::vector<ConfigFinding>& out);
// The two sides' module coverage compared (only when both models' config.json exist).
void coveragePitfalls(const Recipe& train, const Recipe& eval, std::vector<ConfigFinding>& out);

}  // namespace ql::recipe
