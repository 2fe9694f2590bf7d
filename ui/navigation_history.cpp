#include "ui/navigation_history.h"

namespace ql::ui {

void NavigationHistory::reset(const NavigationPlace& start) {
    m_places = {start};
    m_current = 0;
}

void NavigationHistory::visit(const NavigationPlace& place) {
    if (place == m_places[m_current]) return;
    m_places.resize(m_current + 1);
    m_places.push_back(place);
    m_current = m_places.size() - 1;
}

std::optional<NavigationPlace> NavigationHistory::back() {
    if (!canGoBack()) return std::nullopt;
    return m_places[--m_current];
}

std::optional<NavigationPlace> NavigationHistory::forward() {
    if (!canGoForward()) return std::nullopt;
    return m_places[++m_current];
}

}  // namespace ql::ui
