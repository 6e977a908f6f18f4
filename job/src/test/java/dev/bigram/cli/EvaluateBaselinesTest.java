package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigram.data.baseline.ModifiedKneserNey.Discounts;
import dev.bigram.output.Json;
import dev.bigram.output.PublishedRun;
import dev.bigram.output.RunFiles;
import dev.bigram.testing.CliRun;
import dev.bigram.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code evaluate --baseline mkn} on the run of {@code src/test/resources/compat/output/old-run}, written before
 * modified Kneser-Ney existed, and on copies of it whose summary.json records discounts.
 */
class EvaluateBaselinesTest extends SparkTestBase {
  private static final String INPUT = "../sample-data/kjv-excerpt.txt";
  private static Path runs;

  @BeforeAll
  static void copyTheOldRun(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    runs = tmp.resolve("runs");
    copy(Path.of("src/test/resources/compat/output/old-run").toAbsolutePath(), runs.resolve("old-run"));
  }

  private static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(dest);
        else Files.copy(p, dest);
      }
    }
  }

  /** A copy of the old run whose summary.json also holds {@code mkn_discounts}. */
  private static Path withDiscounts(String name, List<Double> discounts) throws Exception {
    Path run = runs.resolve(name);
    copy(runs.resolve("old-run"), run);
    Map<String, Object> summary = new LinkedHashMap<>(PublishedRun.open(spark, run.toString()).summary());
    summary.put("mkn_discounts", discounts);
    Files.writeString(run.resolve(RunFiles.SUMMARY), Json.pretty(summary));
    Files.deleteIfExists(run.resolve("." + RunFiles.SUMMARY + ".crc"));
    return run;
  }

  private static JsonNode baseline(CliRun r, String name) throws Exception {
    return new ObjectMapper().readTree(r.out().strip()).get("baselines").get(name);
  }

  private static List<Double> numbers(JsonNode array) {
    List<Double> out = new java.util.ArrayList<>();
    array.forEach(x -> out.add(x.asDouble()));
    return out;
  }

  /** The closed-form discounts of a run's counts/, by plain loops. */
  private static Discounts closedFormOfCounts(String runId) {
    long[] n = new long[4];
    for (Row row : spark.read().parquet(runs.resolve(runId).resolve("counts").toString()).collectAsList()) {
      long c = row.getLong(2);
      if (c >= 1 && c <= 4) n[(int) c - 1]++;
    }
    return Discounts.closedForm(n[0], n[1], n[2], n[3]);
  }

  @Test
  void anOldRunWithoutDiscountsGetsTheClosedFormOfItsCounts() throws Exception {
    Discounts expected = closedFormOfCounts("old-run");
    CliRun r = CliRun.of(spark, "evaluate", "--model", runs.resolve("old-run").toString(), "--input", INPUT,
        "--baseline", "kn,mkn,add-k", "--json").assertSuccess();
    JsonNode mkn = baseline(r, "mkn");
    assertEquals("discounts", mkn.get("parameter_name").asText());
    assertEquals(expected.asList(), numbers(mkn.get("parameter")));
    double perplexity = mkn.get("perplexity").asDouble();
    assertTrue(perplexity > 1 && Double.isFinite(perplexity), r.out());
    assertTrue(baseline(r, "kn") != null && baseline(r, "add-k") != null, r.out());
  }

  @Test
  void recordedDiscountsAreTheOnesScoredAndTheTextOutputListsThem() throws Exception {
    Path run = withDiscounts("recorded", List.of(0.5, 1.25, 1.75));
    CliRun json = CliRun.of(spark, "evaluate", "--model", run.toString(), "--input", INPUT, "--baseline", "mkn",
        "--json").assertSuccess();
    assertEquals(List.of(0.5, 1.25, 1.75), numbers(baseline(json, "mkn").get("parameter")));
    CliRun text = CliRun.of(spark, "evaluate", "--model", run.toString(), "--input", INPUT, "--baseline", "mkn")
        .assertSuccess();
    assertTrue(text.out().contains("baseline mkn (discounts = [0.5000, 1.250, 1.750]): cross-entropy "),
        text.out());
  }

  @Test
  void aNewRunRecordsItsDiscountsAndEvaluateScoresThem() throws Exception {
    CliRun.of(spark, "train", "--input", INPUT, "--output", runs.toString(), "--run-id", "new", "--set",
        "vocab.size=60", "--set", "train.max-epochs=3", "--set", "train.l2=0").assertSuccess();
    Map<String, Object> summary = PublishedRun.open(spark, runs.resolve("new").toString()).summary();
    List<Double> recorded = ((List<?>) summary.get("mkn_discounts")).stream()
        .map(x -> ((Number) x).doubleValue()).toList();
    double scale = ((Number) summary.get("mkn_discount_scale")).doubleValue();
    assertEquals(closedFormOfCounts("new").scaled(scale).asList(), recorded, "the closed form, scaled");
    double ce = ((Number) summary.get("mkn_validation_cross_entropy")).doubleValue();
    assertEquals(Math.exp(ce), ((Number) summary.get("mkn_validation_perplexity")).doubleValue(), 1e-9 * Math.exp(ce));
    assertTrue(ce > 0 && Double.isFinite(ce), summary.toString());
    CliRun r = CliRun.of(spark, "evaluate", "--model", runs.resolve("new").toString(), "--input", INPUT,
        "--baseline", "mkn", "--json").assertSuccess();
    assertEquals(recorded, numbers(baseline(r, "mkn").get("parameter")));
  }

  @Test
  void unusableRecordedDiscountsAreAOneLineError() throws Exception {
    Path run = withDiscounts("unusable", List.of(0.5, 2.5, 1.75));
    CliRun.of(spark, "evaluate", "--model", run.toString(), "--input", INPUT, "--baseline", "mkn")
        .assertOneLineError(ExitCode.BAD_INPUT, "unusable mkn_discounts", "0 < D2 < 2");
  }

  @Test
  void anUnknownBaselineNamesTheThreeKnownOnes() {
    CliRun.of(spark, "evaluate", "--model", runs.resolve("old-run").toString(), "--input", INPUT, "--baseline",
        "kneser-ney").assertOneLineError(ExitCode.BAD_CONFIGURATION, "kn, mkn or add-k");
  }
}
