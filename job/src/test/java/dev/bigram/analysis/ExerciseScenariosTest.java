package dev.bigram.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigram.cli.ExitCode;
import dev.bigram.cli.Main;
import dev.bigram.output.PairTraceTable;
import dev.bigram.output.PatternTable;
import dev.bigram.testing.SparkTestBase;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exercise's two scenarios as acceptance tests, through the command line in-process ({@link Main#execute}),
 * and the analysis tables, report, chart and quality gate of those runs. Each scenario is checked by a list of
 * criteria read from what a user sees (predict, summary.json, history/); the same criteria must fail when
 * training is broken (a learning rate of 1e-9: the config requires lr > 0).
 */
class ExerciseScenariosTest extends SparkTestBase {
  static final String[] BROKEN = {"train.learning-rate=1e-9", "train.min-learning-rate=0"};
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path out;

  /** The exercise-training run, trained once and shared by the table tests. */
  private static Path trainedScenarioOne;

  record Cli(int exitCode, String stdout, String stderr) {
    String lastErrLine() {
      String[] lines = stderr.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  static Cli cli(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code = Main.execute(args, () -> spark, new PrintStream(o, true, StandardCharsets.UTF_8),
        new PrintStream(e, true, StandardCharsets.UTF_8));
    return new Cli(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  static Cli train(String corpus, Path output, String runId, String... sets) {
    List<String> args = new ArrayList<>(List.of("train", "--input",
        projectRoot().resolve("sample-data").resolve(corpus).toString(), "--output", output.toString(),
        "--run-id", runId, "--set", "train.validation-fraction=0", "--set", "vocab.min-count=1",
        "--set", "train.partitions=2"));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    return cli(args.toArray(new String[0]));
  }

  static JsonNode predict(Path run, String word, int top) throws Exception {
    Cli p = cli("predict", "--model", run.toString(), "--word", word, "--top", String.valueOf(top), "--json");
    assertEquals(0, p.exitCode(), p.stderr());
    return JSON.readTree(p.stdout().strip());
  }

  /** predict --words, in one call: the predictions array of each word, in order. */
  static List<JsonNode> predictWords(Path run, int top, String... words) throws Exception {
    Cli p = cli("predict", "--model", run.toString(), "--words", String.join(",", words), "--top",
        String.valueOf(top), "--json");
    assertEquals(0, p.exitCode(), p.stderr());
    List<JsonNode> out = new ArrayList<>();
    JSON.readTree(p.stdout().strip()).forEach(a -> out.add(a.get("predictions")));
    return out;
  }

  static JsonNode summary(Path run) throws Exception {
    return JSON.readTree(run.resolve("summary.json").toFile());
  }

  static double probability(JsonNode predictions, String word) {
    for (JsonNode p : predictions) {
      if (p.get("word").asText().equals(word)) return p.get("probability").asDouble();
    }
    return 0.0;
  }

  // ---- the criteria of the exercise, as a user can check them -------------------------------------------

  /** 'the' -> 'cat' is the strongest prediction; 'cat' -> 'sat' and 'sat' -> 'on' pass the 0.2 check. */
  static List<String> scenarioOneProblems(Path run) throws Exception {
    List<String> problems = new ArrayList<>();
    List<JsonNode> answers = predictWords(run, 20, "the", "cat", "sat");
    String top = answers.get(0).get(0).get("word").asText();
    if (!top.equals("cat")) problems.add("the strongest prediction after 'the' is '" + top + "', not 'cat'");
    String[][] pairs = {{"cat", "sat"}, {"sat", "on"}};
    for (int i = 0; i < pairs.length; i++) {
      double p = probability(answers.get(i + 1), pairs[i][1]);
      if (!(p > 0.2)) problems.add(pairs[i][0] + ">" + pairs[i][1] + " has probability " + p + ", not above 0.2");
    }
    return problems;
  }

  /** 'cat' -> 'loves' and 'dog' -> 'chases' are the top predictions, the loss falls, convergence is detected. */
  static List<String> scenarioTwoProblems(Path run) throws Exception {
    List<String> problems = new ArrayList<>();
    List<JsonNode> answers = predictWords(run, 1, "cat", "dog");
    String[] expected = {"loves", "chases"};
    for (int i = 0; i < expected.length; i++) {
      String top = answers.get(i).get(0).get("word").asText();
      if (!top.equals(expected[i])) problems.add("top prediction after '" + (i == 0 ? "cat" : "dog") + "' is '" + top
          + "', not '" + expected[i] + "'");
    }
    problems.addAll(lossProblems(run));
    return problems;
  }

  /** The loss falls (by half the way to the floor) and convergence is detected: from the run's tables alone. */
  static List<String> lossProblems(Path run) throws Exception {
    List<String> problems = new ArrayList<>();
    List<Row> history = spark.read().parquet(run.resolve("history").toString()).orderBy("epoch").collectAsList();
    double first = history.get(0).getDouble(history.get(0).fieldIndex("train_loss"));
    double last = history.get(history.size() - 1).getDouble(history.get(0).fieldIndex("train_loss"));
    double floor = summary(run).get("train_loss_floor").asDouble();
    if (!(first - last > 0.5 * (first - floor))) {
      problems.add("the loss did not fall: " + first + " -> " + last + " (floor " + floor + ")");
    }
    if (!summary(run).get("converged").asBoolean()) problems.add("convergence was not detected");
    return problems;
  }

  static synchronized Path scenarioOne() {
    if (trainedScenarioOne == null) {
      Cli t = train("exercise-training.txt", out.resolve("exercise"), "trained", "train.max-epochs=30",
          "analysis.expect=[\"cat>sat\", \"sat>on\"]", "analysis.fail-on-expectations=true");
      assertEquals(0, t.exitCode(), t.stderr());
      trainedScenarioOne = out.resolve("exercise/trained");
    }
    return trainedScenarioOne;
  }

  // ---- scenario 1: the five training sentences -----------------------------------------------------------

  @Test
  void onTheTrainingSentencesTheCatIsStrongestAndTheChecksPass() throws Exception {
    Path run = scenarioOne();
    assertEquals(List.of(), scenarioOneProblems(run));
    JsonNode s = summary(run);
    assertEquals(2, s.get("expectations_passed").asInt());
    assertEquals("passed", s.get("quality_gate").asText());
    assertEquals("trained", Files.readString(out.resolve("exercise/LATEST")).trim());
  }

  /**
   * A broken training (a learning rate too small to move) is refused by the job itself (exit 7: it did not
   * learn), before its quality gate; the run it keeps in staging fails the scenario's acceptance criteria too.
   */
  @Test
  void brokenTrainingIsNotPublishedAndItsKeptRunFailsScenarioOne() throws Exception {
    scenarioOne();
    Cli broken = train("exercise-training.txt", out.resolve("exercise"), "broken", BROKEN[0],
        BROKEN[1], "analysis.expect=[\"cat>sat\", \"sat>on\"]", "analysis.fail-on-expectations=true");
    assertEquals(ExitCode.NOT_TRAINED.code(), broken.exitCode(), broken.stderr());
    assertTrue(broken.lastErrLine().startsWith("Failed: run broken did not learn"), broken.stderr());
    assertEquals("", broken.stdout(), "no 'Published' line");
    // LATEST still names the good run; the broken run is kept in staging for inspection.
    assertEquals("trained", Files.readString(out.resolve("exercise/LATEST")).trim());
    assertFalse(Files.exists(out.resolve("exercise/broken")));
    Path kept = out.resolve("exercise/_staging/broken");
    assertEquals("failed", summary(kept).get("quality_gate").asText());
    assertEquals(2, summary(kept).get("expectations_failed").asInt());
    // The scenario's criteria (p > 0.2 for cat>sat and sat>on), as the job checked them on the kept model.
    for (JsonNode e : summary(kept).get("expectations")) {
      assertFalse(e.get("passed").asBoolean(), e.toString());
      assertTrue(e.get("probability").asDouble() <= 0.2, e.toString());
    }
  }

  // ---- scenario 2: the eight challenge sentences ---------------------------------------------------------

  @Test
  void onTheChallengeSentencesLovesAndChasesAreTopTheLossFallsAndConvergenceStopsTraining() throws Exception {
    // The exercise's model, W and b alone: with a rank-8 term beside W on its 20-odd words, early stopping comes
    // before convergence.
    Cli t = train("exercise-challenge.txt", out.resolve("challenge"), "trained",
        "early-stopping.stop-on-convergence=true", "train.learning-rate=0.2", "model.rank=0");
    assertEquals(0, t.exitCode(), t.stderr());
    Path run = out.resolve("challenge/trained");
    assertEquals(List.of(), scenarioTwoProblems(run));
    JsonNode s = summary(run);
    assertEquals("converged", s.get("stop_reason").asText());
    assertEquals(s.get("epochs_run").asInt(), s.get("converged_epoch").asInt(), "stops at the first converged epoch");
    assertTrue(s.get("mean_recent_loss_change").asDouble() < 0.001);
  }

  @Test
  void brokenTrainingIsNotPublishedAndItsKeptRunFailsScenarioTwo() throws Exception {
    Cli t = train("exercise-challenge.txt", out.resolve("challenge-broken"), "broken", BROKEN[0],
        BROKEN[1], "early-stopping.stop-on-convergence=true");
    assertEquals(ExitCode.NOT_TRAINED.code(), t.exitCode(), t.stderr());
    List<String> problems = lossProblems(out.resolve("challenge-broken/_staging/broken"));
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("the loss did not fall")), problems.toString());
  }

  // ---- the tables, chart and report of scenario 1 --------------------------------------------------------

  @Test
  void historyStatusFollowsTheTrainingLossAndTheThreshold() {
    List<Row> h = spark.read().parquet(scenarioOne().resolve("history").toString()).orderBy("epoch")
        .collectAsList();
    assertEquals("Initial", h.get(0).getAs("status"));
    List<String> seen = new ArrayList<>();
    for (int i = 1; i < h.size(); i++) {
      double change = (double) h.get(i).getAs("train_loss") - (double) h.get(i - 1).getAs("train_loss");
      String expected = change < -0.005 ? "Improving" : change > 0.005 ? "Degrading" : "Stable";
      assertEquals(expected, h.get(i).getAs("status"), "epoch " + (i + 1) + ", change " + change);
      seen.add(expected);
    }
    assertTrue(seen.contains("Improving") && seen.contains("Stable"), seen.toString());
  }

  @Test
  void pairTraceHasEveryEpochOfTheMostFrequentPairsAndAgreesWithPredict() throws Exception {
    Path run = scenarioOne();
    Dataset<Row> trace = spark.read().parquet(run.resolve(PairTraceTable.NAME).toString());
    assertEquals(PairTraceTable.SCHEMA.fieldNames().length, trace.schema().fields().length);
    assertEquals(List.of(PairTraceTable.SCHEMA.fieldNames()), List.of(trace.schema().fieldNames()));
    JsonNode s = summary(run);
    int epochs = s.get("epochs_run").asInt();
    // Default tracing: the 5 most frequent training pairs; 'the cat' (3 times) first, then 'in the' (3; ties by id).
    List<String> traced = new ArrayList<>();
    s.get("traced_pairs").forEach(n -> traced.add(n.asText()));
    assertEquals(5, traced.size());
    assertEquals("the>cat", traced.get(0));
    assertEquals(5L * epochs, trace.count());
    List<Row> theCat = trace.filter("prev = 'the' AND next = 'cat'").orderBy("epoch").collectAsList();
    assertEquals(epochs, theCat.size());
    double start = theCat.get(0).getDouble(3);
    // Untrained, W is near zero and b the smoothed unigram of the next words (model.init-bias = unigram): 'cat'
    // follows 3 of the 25 training bigrams, over V = 11 words: (3 + 1) / (25 + 11).
    assertEquals(4.0 / 36, start, 0.005, "the untrained model predicts the next words' unigram");
    int best = s.get("best_epoch").asInt();
    double atBest = theCat.get(best - 1).getDouble(3);
    assertTrue(atBest > 0.25, "the>cat strengthens from " + start + " to " + atBest);
    // The trace at the best epoch is the published model: predict gives the same probabilities.
    List<Row> atBestEpoch = trace.filter(trace.col("epoch").equalTo(best)).collectAsList();
    assertEquals(5, atBestEpoch.size());
    List<JsonNode> answers = predictWords(run, 11,
        atBestEpoch.stream().map(r -> r.<String>getAs("prev")).toArray(String[]::new));
    for (int i = 0; i < atBestEpoch.size(); i++) {
      Row r = atBestEpoch.get(i);
      assertEquals(r.getDouble(3), probability(answers.get(i), r.getAs("next")), 1e-12, r.toString());
    }
  }

  @Test
  void patternsTableHasTheTopNextWordsAboveTheMinimumWithStrengths() {
    Dataset<Row> patterns = spark.read().parquet(scenarioOne().resolve(PatternTable.NAME).toString());
    assertEquals(List.of(PatternTable.SCHEMA.fieldNames()), List.of(patterns.schema().fieldNames()));
    List<Row> rows = patterns.orderBy("context_rank", "rank").collectAsList();
    // 'the' is the most frequent context (10 bigrams); its first pattern is 'cat'.
    Row first = rows.get(0);
    assertEquals("the", first.getAs("context"));
    assertEquals(10L, (long) first.getAs("context_count"));
    assertEquals("cat", first.getAs("next"));
    for (Row r : rows) {
      double p = r.getAs("probability");
      assertTrue(p > 0.1, r.toString());
      assertTrue((int) r.getAs("rank") <= 3, r.toString());
      assertEquals(Strength.of(p).label(), r.getAs("strength"));
    }
    // 'cat' -> 'sat' (2 of 3) is strong, 'cat' -> 'ran' (1 of 3) clear.
    Row catSat = patterns.filter("context = 'cat' AND next = 'sat'").first();
    assertEquals("strong", catSat.getAs("strength"));
    assertEquals("clear", patterns.filter("context = 'cat' AND next = 'ran'").first().getAs("strength"));
    // 7 words have a next word in this corpus ('mat', 'park', 'house' end sentences): all are analysed.
    assertEquals(7, patterns.select("context").distinct().count());
  }

  @Test
  void theRunHasAValidLearningCurveChartAndAReport() throws Exception {
    Path run = scenarioOne();
    BufferedImage png = ImageIO.read(run.resolve("learning-curve.png").toFile());
    assertEquals(LearningCurveChart.WIDTH, png.getWidth());
    assertEquals(LearningCurveChart.HEIGHT, png.getHeight());
    String svg = Files.readString(run.resolve("learning-curve.svg"));
    assertTrue(svg.contains("<svg") && svg.contains("width=\"800px\"") && svg.strip().endsWith("</svg>"),
        svg.substring(0, 300));
    String report = Files.readString(run.resolve("report.md"));
    for (String section : List.of("## Convergence insights", "## Learning journey",
        "## Top predictions for frequent words", "## Association matrix",
        "## How relationships strengthened, epoch by epoch", "## Expected patterns")) {
      assertTrue(report.contains(section), section);
    }
    assertTrue(report.contains("| passed | cat>sat |"), report);
    assertTrue(report.contains("| the | 10 | cat "), report);
  }

  @Test
  void predictAnswersSeveralWordsAndSaysWhenOneIsOutOfVocabulary() throws Exception {
    Path run = scenarioOne();
    Cli p = cli("predict", "--model", run.toString(), "--words", "the,zebra,Cat", "--top", "2", "--json");
    assertEquals(0, p.exitCode(), p.stderr());
    JsonNode answers = JSON.readTree(p.stdout().strip());
    assertEquals(3, answers.size());
    assertEquals("the", answers.get(0).get("context").asText());
    assertFalse(answers.get(0).get("oov").asBoolean());
    assertEquals("cat", answers.get(0).get("predictions").get(0).get("word").asText());
    assertEquals("zebra", answers.get(1).get("word").asText());
    assertTrue(answers.get(1).get("oov").asBoolean());
    assertEquals("<unk>", answers.get(1).get("context").asText());
    assertEquals("Cat", answers.get(2).get("word").asText());
    assertEquals("cat", answers.get(2).get("context").asText());
    JsonNode sat = answers.get(2).get("predictions").get(0);
    assertEquals("sat", sat.get("word").asText());
    assertEquals(Confidence.of(sat.get("probability").asDouble()).label(), sat.get("confidence").asText());
    assertEquals("high", sat.get("confidence").asText());
    // The same answer as --word, whose array shape is unchanged (fields added, none removed).
    JsonNode single = predict(run, "cat", 2);
    assertEquals(sat.get("probability").asDouble(), single.get(0).get("probability").asDouble(), 0.0);

    Cli text = cli("predict", "--model", run.toString(), "--words", "zebra");
    assertEquals(0, text.exitCode(), text.stderr());
    assertTrue(text.stdout().startsWith("'zebra' is out of vocabulary; predictions after <unk>:"), text.stdout());
    Cli both = cli("predict", "--model", run.toString(), "--word", "the", "--words", "cat");
    assertEquals(ExitCode.BAD_CONFIGURATION.code(), both.exitCode());
  }
}
