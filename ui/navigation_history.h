// Back/forward over where the user has been in a report: which tab, and which module the Layer
// drill-down showed. Like a browser: a new place drops the forward entries.
#pragma once

#include <optional>
#include <vector>

namespace ql::ui {

struct NavigationPlace {
    int tab = 0;
    int module = -1;  // the drill-down's module at that time (-1: none)
    bool operator==(const NavigationPlace&) const = default;
};

class NavigationHistory {
public:
    void reset(const NavigationPlace& start);
    void visit(const NavigationPlace& place);  // ignored when it is the current place
    std::optional<NavigationPlace> back();
    std::optional<NavigationPlace> forward();
    bool canGoBack() const { return m_current > 0; }
    bool canGoForward() const { return m_current + 1 < m_places.size(); }
    const NavigationPlace& current() const { return m_places[m_current]; }

private:
    std::vector<NavigationPlace> m_places{NavigationPlace{}};
    std::size_t m_current = 0;
};

}  // namespace ql::ui
