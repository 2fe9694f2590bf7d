// The numerics rows shared by both recipe dialogs list what the scheme and release tables hold, enable
// the group size only for schemes that take one, and every scheme they offer writes a recipe that parses.
#include "ui/session/numerics_form.h"

#include <gtest/gtest.h>
#include <quantlens/quant_schemes.h>
#include <quantlens/recipe.h>
#include <quantlens/torchao_releases.h>

#include <QComboBox>
#include <QFormLayout>
#include <QSpinBox>
#include <QWidget>

#include "ui/session/checkpoint_dialog.h"
#include "ui/session/recipe_builder_dialog.h"

namespace ql::ui {
namespace {

QString qstr(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

TEST(NumericsForm, ListsEveryTableSchemeAndReleaseWithWhatEachMeans) {
    QWidget host;
    auto* layout = new QFormLayout(&host);
    NumericsForm form(&host, layout, NumericsChoice{});
    const auto boxes = host.findChildren<QComboBox*>();
    ASSERT_EQ(boxes.size(), 4);  // scheme, dtype, device numerics, torchao version
    QComboBox* schemes = boxes.front();
    QComboBox* releases = boxes.back();
    ASSERT_EQ(schemes->count(), static_cast<int>(quantSchemes().size()));
    for (std::size_t i = 0; i < quantSchemes().size(); ++i) {
        const QuantSchemeInfo& info = quantSchemes()[i];
        EXPECT_EQ(schemes->itemText(static_cast<int>(i)), qstr(info.name));
        EXPECT_TRUE(schemes->itemData(static_cast<int>(i), Qt::ToolTipRole).toString().contains(qstr(info.summary)));
    }
    ASSERT_EQ(releases->count(), static_cast<int>(torchaoReleases().size()));
    EXPECT_EQ(releases->currentText(), QString::fromStdString(torchaoVersionName(Recipe{}.torchaoVersion)));
    EXPECT_EQ(releases->itemData(releases->count() - 1, Qt::ToolTipRole).toString(),
              qstr(torchaoReleases().back().changes));
}

TEST(NumericsForm, GroupSizeOnlyForSchemesThatTakeOneAndEveryOfferedSchemeParses) {
    QWidget host;
    auto* layout = new QFormLayout(&host);
    NumericsForm form(&host, layout, NumericsChoice{});
    auto* group = host.findChild<QSpinBox*>();
    ASSERT_NE(group, nullptr);
    int withGroup = 0, without = 0;
    for (const QuantSchemeInfo& info : quantSchemes()) {
        form.setScheme(qstr(info.name), 64);
        const bool takes = (info.recipeKeys & kKeyGroupSize) != 0;
        EXPECT_EQ(group->isEnabled(), takes) << info.name;
        EXPECT_EQ(form.groupSizeIfApplies().has_value(), takes) << info.name;
        (takes ? withGroup : without)++;
        RecipeFields fields;
        fields.modelDir = QStringLiteral("/models/m");
        fields.scheme = qstr(info.name);
        fields.groupSize = 64;
        const QString yaml = recipeYaml(fields);
        const Result<Recipe> recipe = parseRecipe(yaml.toStdString(), "/r/t.yaml");
        ASSERT_TRUE(recipe.ok()) << recipe.error().message << "\n" << yaml.toStdString();
        EXPECT_EQ(recipe->quantization.scheme, info.scheme);
        if (takes) EXPECT_EQ(recipe->quantization.weight.groupSize, 64) << info.name;
    }
    EXPECT_GT(withGroup, 0);
    EXPECT_GT(without, 0);
}

TEST(NumericsForm, BothDialogsShowTheSameRows) {
    RecipeBuilderDialog builder(QStringLiteral("train"));
    CheckpointDialog checkpoint;
    auto itemsOf = [](const QWidget& w) {
        QStringList items;
        for (QComboBox* box : w.findChildren<QComboBox*>()) {
            for (int i = 0; i < box->count(); ++i) items << box->itemText(i);
        }
        return items;
    };
    for (const QuantSchemeInfo& info : quantSchemes()) {
        EXPECT_TRUE(itemsOf(builder).contains(qstr(info.name))) << info.name;
        EXPECT_TRUE(itemsOf(checkpoint).contains(qstr(info.name))) << info.name;
    }
    checkpoint.setScheme(QStringLiteral("float8_dynamic_activation_float8_weight"), 64);
    EXPECT_FALSE(checkpoint.options().groupSize);  // not written: the scheme takes none
    checkpoint.setScheme(QStringLiteral("intx_weight_only"), 64);
    EXPECT_EQ(checkpoint.options().groupSize, 64);
}

}  // namespace
}  // namespace ql::ui
