package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigram.testing.CliRun;
import dev.bigram.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's nightly command ({@code train --conf conf/trainer.conf --run-id ID --init-from LATEST --resume}),
 * run on two nights: each night, with nothing to resume, is a full run that chooses its L2 (it used to train
 * without L2 whenever --resume was given).
 */
class NightlyCommandTest extends SparkTestBase {
  @TempDir
  Path out;

  private CliRun night(String id) {
    return CliRun.of(spark, "train", "--conf", projectRoot().resolve("conf/trainer.conf").toString(),
        "--input", projectRoot().resolve("sample-data/kjv-excerpt.txt").toString(), "--output", out.toString(),
        "--run-id", id, "--init-from", "LATEST", "--resume", "--set", "vocab.size=300",
        "--set", "train.max-epochs=40");
  }

  private JsonNode summary(String id) throws Exception {
    return new ObjectMapper().readTree(out.resolve(id).resolve("summary.json").toFile());
  }

  @Test
  void theNightlyCommandChoosesL2EveryNightAndMovesLatest() throws Exception {
    night("night-1").assertSuccess();
    night("night-2").assertSuccess();
    for (String id : new String[] {"night-1", "night-2"}) {
      JsonNode s = summary(id);
      assertTrue(s.get("l2_auto").asBoolean(), id + " searched L2: " + s);
      assertTrue(s.get("l2_trials").size() >= 3, id + " tried several strengths: " + s.get("l2_trials"));
      assertTrue(s.get("l2").asDouble() > 0, id + " chose a positive L2: " + s.get("l2"));
    }
    assertTrue(summary("night-2").get("init_from").asText().endsWith("night-1"), "night 2 starts from night 1");
    assertEquals("night-2", Files.readString(out.resolve("LATEST")).trim());
  }
}
