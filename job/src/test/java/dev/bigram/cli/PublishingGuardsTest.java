package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigram.testing.CliRun;
import dev.bigram.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * What stands between a finished run and LATEST: a model worse than the published one on the new validation
 * data does not replace it (exit 8) unless forced, and publish.keep-runs deletes old runs but never LATEST's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PublishingGuardsTest extends SparkTestBase {
  @TempDir
  static Path out;

  private static CliRun train(String id, String... sets) {
    List<String> args = new ArrayList<>(List.of("train", "--input",
        projectRoot().resolve("sample-data/kjv-excerpt.txt").toString(), "--output", out.toString(), "--run-id", id,
        "--set", "vocab.size=300", "--set", "train.l2=0", "--set", "train.partitions=2"));
    for (String s : sets) {
      if (s.startsWith("--")) args.add(s);
      else args.addAll(List.of("--set", s));
    }
    return CliRun.of(spark, args.toArray(new String[0]));
  }

  private static JsonNode summary(String id) throws Exception {
    return new ObjectMapper().readTree(out.resolve(id).resolve("summary.json").toFile());
  }

  private static String latest() throws Exception {
    return Files.readString(out.resolve("LATEST")).trim();
  }

  @Test
  @Order(1)
  void aWorseModelIsPublishedUnderItsIdButLatestStaysUnlessForced() throws Exception {
    train("good", "train.max-epochs=60").assertSuccess();
    assertEquals("good", latest());
    assertFalse(summary("good").has("published_comparison"), "nothing was published before it");

    // The same data, barely trained: it learned (better than the unigram model), but it is worse than "good".
    CliRun worse = train("worse", "train.learning-rate=0.005", "train.min-learning-rate=0", "train.max-epochs=4");
    assertEquals(ExitCode.REGRESSED.code(), worse.exitCode(), worse.err());
    assertTrue(worse.errLines().get(worse.errLines().size() - 1).contains("LATEST was not moved"), worse.err());
    assertTrue(Files.exists(out.resolve("worse/_SUCCESS")), "kept, published under its id");
    assertEquals("good", latest());
    JsonNode c = summary("worse").get("published_comparison");
    assertEquals("good", c.get("published_run").asText());
    assertTrue(c.get("regressed").asBoolean(), c.toString());
    assertTrue(c.get("new_cross_entropy").asDouble() > c.get("published_cross_entropy").asDouble() + 0.01,
        c.toString());
    assertTrue(c.get("validation_pairs").asLong() > 0, c.toString());

    train("forced", "train.learning-rate=0.005", "train.min-learning-rate=0", "train.max-epochs=4",
        "--force-publish").assertSuccess();
    assertEquals("forced", latest());
    assertTrue(summary("forced").get("published_comparison").get("forced").asBoolean());
  }

  @Test
  @Order(2)
  void aBetterModelMovesLatest() throws Exception {
    train("better", "train.max-epochs=60").assertSuccess();
    JsonNode c = summary("better").get("published_comparison");
    assertEquals("forced", c.get("published_run").asText());
    assertFalse(c.get("regressed").asBoolean(), c.toString());
    assertEquals("better", latest());
  }

  @Test
  @Order(3)
  void keepRunsDeletesTheOldestRunsButNeverLatests() throws Exception {
    // Runs so far, oldest first: good, worse, forced, better (LATEST).
    train("newest", "train.max-epochs=60", "publish.keep-runs=2").assertSuccess();
    assertEquals("newest", latest());
    assertTrue(Files.exists(out.resolve("newest")));
    assertTrue(Files.exists(out.resolve("better")), "the second newest is kept");
    for (String gone : new String[] {"good", "worse", "forced"}) {
      assertFalse(Files.exists(out.resolve(gone)), gone + " is older than the two newest");
    }
    assertTrue(Files.isDirectory(out.resolve("_history/run_id=good")), "the cumulative history keeps them");
  }
}
