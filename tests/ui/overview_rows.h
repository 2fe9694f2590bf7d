// Checks shared by the UI tests on a window at its working size: the Overview's check table shows
// every row of the report inside its viewport and inside the window, each on one line.
#pragma once

namespace ql::ui {
class MainWindow;
}

namespace ql::ui::test {

// Makes the Overview the current tab and checks every row of its checks table (gtest EXPECTs).
void expectEveryCheckRowVisible(MainWindow& window);

}  // namespace ql::ui::test
