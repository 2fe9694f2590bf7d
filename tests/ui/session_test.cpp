// Session files round-trip; malformed files give one-line errors naming the file.
#include "ui/session/session.h"

#include <gtest/gtest.h>

#include <QFile>
#include <QTemporaryDir>

#include "ui/session/recipe_builder_dialog.h"

namespace ql::ui {
namespace {

TEST(Session, SaveLoadRoundTrip) {
    QTemporaryDir dir;
    Session session;
    session.trainRecipe = QStringLiteral("/a/train.yaml");
    session.evalRecipe = QStringLiteral("/a/eval.yaml");
    session.prompts = QStringLiteral("hello\n\nworld\n");
    session.device = QStringLiteral("cuda");
    session.checkConvert = false;
    const QString path = dir.filePath(QStringLiteral("s.json"));
    ASSERT_TRUE(saveSession(session, path).ok());
    const Result<Session> loaded = loadSession(path);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->trainRecipe, session.trainRecipe);
    EXPECT_EQ(loaded->evalRecipe, session.evalRecipe);
    EXPECT_EQ(loaded->device, session.device);
    EXPECT_FALSE(loaded->checkConvert);
    EXPECT_EQ(loaded->promptList(), QStringList({QStringLiteral("hello"), QStringLiteral("world")}));
}

TEST(Session, RejectsForeignJson) {
    const Result<Session> result = sessionFromJson("{\"format\": \"other\"}", QStringLiteral("x.json"));
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().message.find("x.json"), std::string::npos);
    EXPECT_FALSE(sessionFromJson("not json", QStringLiteral("y.json")).ok());
}

TEST(Session, MissingRecipeNamesTheFile) {
    Session session;
    session.trainRecipe = QStringLiteral("/nonexistent/train.yaml");
    session.evalRecipe = QStringLiteral("/nonexistent/eval.yaml");
    const Result<VerifyRequest> request = makeVerifyRequest(session);
    ASSERT_FALSE(request.ok());
    EXPECT_NE(request.error().message.find("train.yaml"), std::string::npos);
}

TEST(RecipeBuilder, WrittenYamlParsesAsTheSameRecipe) {
    QTemporaryDir dir;
    RecipeFields fields;
    fields.modelDir = QStringLiteral("/models/tiny");
    fields.adapterDir = QStringLiteral("/adapters/run");
    fields.adapterForm = QStringLiteral("merged");
    fields.groupSize = 32;
    fields.deviceNumerics = QStringLiteral("cpu");
    fields.torchaoVersion = QStringLiteral("0.15");
    const Result<Recipe> recipe =
        parseRecipe(recipeYaml(fields).toStdString(), dir.filePath(QStringLiteral("r.yaml")).toStdString());
    ASSERT_TRUE(recipe.ok()) << recipe.error().message;
    EXPECT_EQ(recipe->modelDir, "/models/tiny");
    ASSERT_TRUE(recipe->adapter.has_value());
    EXPECT_EQ(recipe->adapter->form, AdapterForm::Merged);
    EXPECT_EQ(recipe->quantization.scheme, QuantScheme::Int4WeightOnly);
    EXPECT_EQ(recipe->quantization.weight.groupSize, 32);
    EXPECT_EQ(recipe->deviceNumerics, DeviceNumerics::Cpu);
    EXPECT_EQ(recipe->torchaoVersion, (TorchaoVersion{0, 15}));
}

}  // namespace
}  // namespace ql::ui
