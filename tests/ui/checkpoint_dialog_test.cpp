// Starting from a training run in the GUI: "Open checkpoint…" builds and saves both recipes from a
// Trainer output folder, the session panel says where each recipe resolved (checkpoint-N, the
// adapter's base), and the recipe builder takes hub ids, checkpoints and a pasted torchao repr.
// Set QL_UI_SNAPSHOT_DIR to also save the dialogs as PNGs (to look at them).
#include "ui/session/checkpoint_dialog.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "ui/session/recipe_builder_dialog.h"
#include "ui/session/recipe_summary.h"
#include "ui/session/report_session_match.h"
#include "ui/session/session_panel.h"

namespace ql::ui {
namespace {

void writeFile(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(text);
}

// <root>/base (config.json) and <root>/run/checkpoint-{10,40}/ (adapter naming ../../base, trainer state).
void writeRun(const QDir& root) {
    writeFile(
        root.filePath(QStringLiteral("base/config.json")),
        R"({"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": 64, "intermediate_size": 96,
                  "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 32,
                  "vocab_size": 128, "max_position_embeddings": 256, "tie_word_embeddings": true})");
    for (int step : {10, 40}) {
        const QString ck = root.filePath(QStringLiteral("run/checkpoint-%1/").arg(step));
        writeFile(
            ck + QStringLiteral("adapter_config.json"),
            R"({"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q_proj"], "base_model_name_or_path": "../../base"})");
        writeFile(ck + QStringLiteral("trainer_state.json"),
                  QStringLiteral(R"({"global_step": %1, "log_history": []})").arg(step).toUtf8());
    }
}

void snapshot(QWidget& widget, const QString& name) {
    const QString dir = qEnvironmentVariable("QL_UI_SNAPSHOT_DIR");
    if (dir.isEmpty()) return;
    widget.resize(widget.sizeHint().expandedTo(QSize(640, 0)));
    widget.show();
    QTest::qWait(50);
    widget.grab().save(QDir(dir).filePath(name));
}

TEST(CheckpointDialog, CreatesBothRecipesFromATrainerOutputFolder) {
    QTemporaryDir tmp;
    const QDir root(tmp.path());
    writeRun(root);
    CheckpointDialog dialog;
    dialog.setAdapter(root.filePath(QStringLiteral("run")));
    dialog.setFolder(root.filePath(QStringLiteral("recipes")));
    dialog.setScheme(QStringLiteral("int4_weight_only"), 32);
    snapshot(dialog, QStringLiteral("checkpoint_dialog.png"));
    ASSERT_TRUE(dialog.createRecipes()) << dialog.errorText().toStdString();
    EXPECT_EQ(dialog.trainPath(),
              root.filePath(QStringLiteral("recipes/checkpoint-40/train.yaml")));  // latest, resolved
    const Result<Recipe> train = loadRecipe(dialog.trainPath().toStdString());
    ASSERT_TRUE(train.ok()) << train.error().message;
    EXPECT_EQ(train->adapter->form, AdapterForm::Unmerged);
    EXPECT_EQ(train->adapter->checkpoint->step, 40);
    EXPECT_EQ(train->quantization.weight.groupSize, 32);
    const Result<Recipe> eval = loadRecipe(dialog.evalPath().toStdString());
    ASSERT_TRUE(eval.ok()) << eval.error().message;
    EXPECT_EQ(eval->adapter->form, AdapterForm::Merged);
    EXPECT_EQ(QDir::cleanPath(QString::fromStdString(eval->modelDir)), root.filePath(QStringLiteral("base")));

    bool ok = false;
    const QString summary = recipeSummaryFor(dialog.trainPath(), &ok);
    EXPECT_TRUE(ok);
    EXPECT_TRUE(summary.contains(QStringLiteral("checkpoint-40 of 2"))) << summary.toStdString();
    EXPECT_TRUE(summary.contains(QStringLiteral("named by the adapter"))) << summary.toStdString();
}

TEST(CheckpointDialog, FolderWithoutCheckpointsShowsTheError) {
    QTemporaryDir tmp;
    const QDir root(tmp.path());
    root.mkpath(QStringLiteral("outputs/runs"));
    CheckpointDialog dialog;
    dialog.setAdapter(root.filePath(QStringLiteral("outputs")));
    dialog.setFolder(root.filePath(QStringLiteral("recipes")));
    EXPECT_FALSE(dialog.createRecipes());
    EXPECT_TRUE(dialog.errorText().contains(QStringLiteral("expected a PEFT adapter folder")))
        << dialog.errorText().toStdString();
    snapshot(dialog, QStringLiteral("checkpoint_dialog_error.png"));
    EXPECT_FALSE(QFile::exists(root.filePath(QStringLiteral("recipes/train.yaml"))));
}

TEST(CheckpointDialog, FolderFollowsTheAdapterUntilSetByHand) {
    CheckpointDialog dialog;
    dialog.setAdapter(QStringLiteral("/data/runs/qwen3-qat"));
    auto* folder = dialog.findChildren<QLineEdit*>().last();
    EXPECT_EQ(folder->text(), defaultRecipeFolder(QStringLiteral("/data/runs/qwen3-qat")));
    EXPECT_TRUE(folder->text().endsWith(QStringLiteral("checkpoints/qwen3-qat")));
}

TEST(SessionPanelSummary, EachRecipeSaysWhereItResolved) {
    QTemporaryDir tmp;
    const QDir root(tmp.path());
    writeRun(root);
    CheckpointRecipeOptions options;
    options.adapter = root.filePath(QStringLiteral("run")).toStdString();
    options.checkpoint = "10";
    const auto written = writeCheckpointRecipes(options, root.filePath(QStringLiteral("recipes")));
    ASSERT_TRUE(written.ok()) << written.error().message;
    SessionPanel panel;
    panel.setRecipe(true, written->first);
    panel.setRecipe(false, root.filePath(QStringLiteral("missing.yaml")));
    auto* train = panel.findChild<QLabel*>(QStringLiteral("trainSummary"));
    auto* eval = panel.findChild<QLabel*>(QStringLiteral("evalSummary"));
    ASSERT_NE(train, nullptr);
    ASSERT_NE(eval, nullptr);
    EXPECT_TRUE(train->text().contains(QStringLiteral("checkpoint-10 of 2 found, checkpoint: 10 in the recipe")))
        << train->text().toStdString();
    EXPECT_TRUE(eval->text().contains(QStringLiteral("missing.yaml"))) << eval->text().toStdString();
    snapshot(panel, QStringLiteral("session_panel.png"));
}

TEST(CheckpointDialog, EachCheckpointKeepsItsOwnRecipes) {
    QTemporaryDir tmp;
    const QDir root(tmp.path());
    writeRun(root);
    const auto create = [&](const QString& checkpoint) {
        CheckpointDialog dialog;
        dialog.setAdapter(root.filePath(QStringLiteral("run")));
        dialog.setFolder(root.filePath(QStringLiteral("recipes")));
        dialog.setCheckpoint(checkpoint);
        EXPECT_TRUE(dialog.createRecipes()) << dialog.errorText().toStdString();
        return std::pair{dialog.trainPath(), dialog.evalPath()};
    };
    const auto latest = create(QStringLiteral("latest"));
    const auto ten = create(QStringLiteral("10"));
    EXPECT_EQ(latest.first, root.filePath(QStringLiteral("recipes/checkpoint-40/train.yaml")));
    EXPECT_EQ(ten.first, root.filePath(QStringLiteral("recipes/checkpoint-10/train.yaml")));
    // Opening checkpoint 10 left checkpoint 40's recipes as they were.
    for (const auto& [path, step] : {std::pair{latest.first, 40}, std::pair{latest.second, 40},
                                     std::pair{ten.first, 10}, std::pair{ten.second, 10}}) {
        const Result<Recipe> recipe = loadRecipe(path.toStdString());
        ASSERT_TRUE(recipe.ok()) << recipe.error().message;
        EXPECT_EQ(recipe->adapter->checkpoint->step, step) << path.toStdString();
    }
}

TEST(CheckpointDialog, AdapterFormsAreChoices) {
    QTemporaryDir tmp;
    const QDir root(tmp.path());
    writeRun(root);
    CheckpointDialog dialog;
    dialog.setAdapter(root.filePath(QStringLiteral("run")));
    dialog.setFolder(root.filePath(QStringLiteral("recipes")));
    dialog.setForms(QStringLiteral("qat_after_peft"), QStringLiteral("unmerged"));
    EXPECT_EQ(dialog.options().trainForm, "qat_after_peft");
    EXPECT_EQ(dialog.options().evalForm, "unmerged");
    ASSERT_TRUE(dialog.createRecipes()) << dialog.errorText().toStdString();
    EXPECT_EQ(loadRecipe(dialog.trainPath().toStdString())->adapter->form, AdapterForm::QatAfterPeft);
    EXPECT_EQ(loadRecipe(dialog.evalPath().toStdString())->adapter->form, AdapterForm::Unmerged);
}

TEST(CheckpointDialog, MissingModelFolderIsAnErrorWhenCreated) {
    QTemporaryDir tmp;
    const QDir root(tmp.path());
    writeRun(root);
    CheckpointDialog dialog;
    dialog.setAdapter(root.filePath(QStringLiteral("run")));
    dialog.setFolder(root.filePath(QStringLiteral("recipes")));
    dialog.setModel(root.filePath(QStringLiteral("no-such-model")));
    EXPECT_FALSE(dialog.createRecipes());
    EXPECT_TRUE(dialog.errorText().contains(QStringLiteral("no-such-model"))) << dialog.errorText().toStdString();
    EXPECT_FALSE(QDir(root.filePath(QStringLiteral("recipes"))).exists());
}

TEST(SessionPanelSummary, MissingModelFolderIsShownWhenTheRecipeIsChosen) {
    QTemporaryDir tmp;
    const QString path = QDir(tmp.path()).filePath(QStringLiteral("train.yaml"));
    writeFile(path, "model: ./gone\nquantization: {scheme: int4_weight_only, group_size: 32}\n");
    bool ok = true;
    const QString text = recipeSummaryFor(path, &ok);
    EXPECT_FALSE(ok) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("does not exist"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("gone"))) << text.toStdString();
}

TEST(SessionPanelSummary, RecipeRewrittenAtTheSamePathIsReadAgain) {
    QTemporaryDir tmp;
    const QDir root(tmp.path());
    writeRun(root);
    CheckpointRecipeOptions options;
    options.adapter = root.filePath(QStringLiteral("run")).toStdString();
    const auto built40 = buildCheckpointRecipes(options, "t", "e");
    options.checkpoint = "10";
    const auto built10 = buildCheckpointRecipes(options, "t", "e");
    ASSERT_TRUE(built40.ok() && built10.ok());
    const QString path = root.filePath(QStringLiteral("same/train.yaml"));
    writeFile(path, QByteArray::fromStdString(built40->trainYaml));
    SessionPanel panel;
    panel.setRecipe(true, path);
    auto* train = panel.findChild<QLabel*>(QStringLiteral("trainSummary"));
    EXPECT_TRUE(train->text().contains(QStringLiteral("checkpoint-40"))) << train->text().toStdString();
    writeFile(path, QByteArray::fromStdString(built10->trainYaml));
    QSignalSpy changed(&panel, &SessionPanel::changed);
    panel.setRecipe(true, path);
    EXPECT_TRUE(train->text().contains(QStringLiteral("checkpoint-10"))) << train->text().toStdString();
    EXPECT_EQ(changed.count(), 1);  // the results shown are marked stale
}

TEST(ReportSessionMatch, SaysWhichCheckpointTheReportRanAndWhichTheRecipeGivesNow) {
    QTemporaryDir tmp;
    const QDir root(tmp.path());
    writeRun(root);
    CheckpointRecipeOptions options;
    options.adapter = root.filePath(QStringLiteral("run")).toStdString();
    const auto written = writeCheckpointRecipes(options, root.filePath(QStringLiteral("recipes")));
    ASSERT_TRUE(written.ok()) << written.error().message;
    const Result<Recipe> recipe = loadRecipe(written->first.toStdString());
    ASSERT_TRUE(recipe.ok());
    VerifyReport report;
    report.train.recipeFile = written->first.toStdString();
    report.train.modelDir = recipe->modelDir;
    report.train.adapterDir = recipe->adapter->path;
    report.train.adapterForm = "unmerged";
    report.train.resolution.checkpointStep = 40;
    Session session;
    session.trainRecipe = written->first;
    EXPECT_TRUE(reportSessionDifferences(session, report).isEmpty())
        << reportSessionDifferences(session, report).join('|').toStdString();
    report.train.resolution.checkpointStep = 20;  // the report was run on another checkpoint
    const QStringList differences = reportSessionDifferences(session, report);
    ASSERT_EQ(differences.size(), 1) << differences.join('|').toStdString();
    EXPECT_TRUE(differences[0].contains(QStringLiteral("checkpoint-20")) &&
                differences[0].contains(QStringLiteral("checkpoint-40")))
        << differences[0].toStdString();
    session.trainRecipe = written->second;  // another recipe file altogether
    EXPECT_TRUE(
        reportSessionDifferences(session, report).join('|').contains(QStringLiteral("the report ran the recipe")));
}

TEST(RecipeBuilder, HubIdCheckpointAndPastedRepr) {
    RecipeFields f;
    f.modelDir = QStringLiteral("/models/with \"quotes\"");
    f.adapterDir = QStringLiteral("/runs/a");
    f.revision = QStringLiteral("dev");
    f.checkpoint = QStringLiteral("best");
    EXPECT_TRUE(
        recipeYaml(f).contains(QStringLiteral("adapter: {path: \"/runs/a\", checkpoint: \"best\", form: unmerged}")));
    EXPECT_TRUE(recipeYaml(f).contains(QStringLiteral("revision: \"dev\"")));
    f.revision.clear();  // a revision needs a hub id, a checkpoint an existing Trainer output folder
    f.checkpoint.clear();
    f.repr = QStringLiteral("QATConfig(base_config=Int4WeightOnlyConfig(group_size=64, version=2), step='prepare')\n");
    const QString yaml = recipeYaml(f);
    const Result<Recipe> r = parseRecipe(yaml.toStdString(), "/r/t.yaml");
    ASSERT_TRUE(r.ok()) << r.error().message << "\n" << yaml.toStdString();
    EXPECT_EQ(r->modelDir, "/models/with \"quotes\"");
    EXPECT_EQ(r->quantization.weight.groupSize, 64);
    EXPECT_EQ(r->quantization.origin.rfind("repr", 0), 0u);
    EXPECT_EQ(yamlQuoted(QStringLiteral("a\"b\\c\nd")), QStringLiteral("\"a\\\"b\\\\c\\x0ad\""));
    RecipeBuilderDialog dialog(QStringLiteral("train"));
    snapshot(dialog, QStringLiteral("recipe_builder.png"));
}

}  // namespace
}  // namespace ql::ui
