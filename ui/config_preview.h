// The config check of the recipes as they are now, before any run (it takes milliseconds: two
// small YAML files and a field-by-field diff). Computed off the GUI thread; a newer request
// supersedes an older one, whose result is dropped.
#pragma once

#include <quantlens/config_diff.h>

#include <QObject>
#include <QString>

namespace ql::ui {

class ConfigPreview : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    void request(const QString& trainRecipe, const QString& evalRecipe);

Q_SIGNALS:
    void ready(const ql::ConfigDiff& diff);
    void failed(const QString& message);  // a recipe does not parse; names the file

private:
    quint64 m_generation = 0;
};

}  // namespace ql::ui
