package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigram.testing.CliRun;
import dev.bigram.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's nightly command ({@code train --conf conf/trainer.conf --run-id ID --init-from LATEST --resume}),
 * run on two nights: each night, with nothing to resume, is a full run that chooses its L2 (it used to train
 * without L2 whenever --resume was given), its later L2 trials starting from the best trial before them.
 */
class NightlyCommandTest extends SparkTestBase {
  @TempDir
  static Path out;

  @BeforeAll
  static void twoNights() {
    night("night-1").assertSuccess();
    night("night-2").assertSuccess();
  }

  private static CliRun night(String id) {
    return CliRun.of(spark, "train", "--conf", projectRoot().resolve("conf/trainer.conf").toString(),
        "--input", projectRoot().resolve("sample-data/kjv-excerpt.txt").toString(), "--output", out.toString(),
        "--run-id", id, "--init-from", "LATEST", "--resume", "--set", "vocab.size=300",
        "--set", "train.max-epochs=40");
  }

  private static JsonNode summary(String id) throws Exception {
    return new ObjectMapper().readTree(out.resolve(id).resolve("summary.json").toFile());
  }

  @Test
  void theNightlyCommandChoosesL2EveryNightAndMovesLatest() throws Exception {
    for (String id : new String[] {"night-1", "night-2"}) {
      JsonNode s = summary(id);
      assertTrue(s.get("l2_auto").asBoolean(), id + " searched L2: " + s);
      assertTrue(s.get("l2_trials").size() >= 3, id + " tried several strengths: " + s.get("l2_trials"));
      assertTrue(s.get("l2").asDouble() > 0, id + " chose a positive L2: " + s.get("l2"));
    }
    assertTrue(summary("night-2").get("init_from").asText().endsWith("night-1"), "night 2 starts from night 1");
    assertEquals("night-2", Files.readString(out.resolve("LATEST")).trim());
  }

  @Test
  void everyL2TrialButTheFirstStartsFromTheBestTrialBeforeIt() throws Exception {
    for (String id : new String[] {"night-1", "night-2"}) {
      JsonNode trials = summary(id).get("l2_trials");
      assertTrue(trials.get(0).get("started_from_l2").isNull(), id + ": the first trial starts cold: " + trials);
      double bestLoss = trials.get(0).get("best_validation_loss").asDouble();
      double bestL2 = trials.get(0).get("l2").asDouble();
      int epochs = trials.get(0).get("epochs").asInt();
      for (int k = 1; k < trials.size(); k++) {
        JsonNode t = trials.get(k);
        assertEquals(bestL2, t.get("started_from_l2").asDouble(), 0.0, id + " trial " + (k + 1) + ": " + trials);
        if (t.get("best_validation_loss").asDouble() < bestLoss) {
          bestLoss = t.get("best_validation_loss").asDouble();
          bestL2 = t.get("l2").asDouble();
        }
        epochs += t.get("epochs").asInt();
      }
      assertEquals(epochs, summary(id).get("l2_search_epochs").asInt(), id + ": the search's epochs are the sum");
    }
  }

  /**
   * The published model is the chosen trial's best model: on the run's own validation split it scores exactly the
   * validation loss the summary reports. A later trial trains the chosen trial's arrays in place while they wait
   * on the driver's disk, so a model read back wrongly, or trained further, would score otherwise.
   */
  @Test
  void thePublishedModelScoresTheChosenTrialsBestValidationLossEvenWhenLaterTrialsTrainedItsArrays()
      throws Exception {
    boolean laterTrialAfterTheChosen = false;
    for (String id : new String[] {"night-1", "night-2"}) {
      JsonNode s = summary(id);
      JsonNode trials = s.get("l2_trials");
      laterTrialAfterTheChosen |= trials.get(trials.size() - 1).get("l2").asDouble() != s.get("l2").asDouble();
      dev.bigram.config.TrainerConfig config = dev.bigram.config.TrainerConfig.load(
          projectRoot().resolve("conf/trainer.conf").toFile(), List.of("vocab.size=300", "train.max-epochs=40"));
      List<String> input = List.of(projectRoot().resolve("sample-data/kjv-excerpt.txt").toString());
      dev.bigram.data.TrainingData data = dev.bigram.data.DataPass.run(jsc, input, config.tokenizer(),
          config.vocabSize(), config.vocabMinCount(), config.validationFraction(), jsc.defaultParallelism(),
          config.input());
      try {
        dev.bigram.output.PublishedRun run = dev.bigram.output.PublishedRun.open(spark, out.resolve(id).toString());
        assertEquals(run.vocabulary().size(), data.vocab().size(), id + ": the run's vocabulary");
        double loss = new dev.bigram.train.DistributedLoss(jsc, data.blocks(), data.partitioner(),
            dev.bigram.train.WeightShipping.Mode.SHARDED, dev.bigram.loss.Kernel.of(config.kernel()),
            dev.bigram.train.Exchange.DRIVER, null).evaluate(run.model(), false).aggregator().validationLoss();
        double reported = s.get("best_validation_loss").asDouble();
        assertEquals(reported, loss, 1e-12 * reported, id + ": the published model's validation loss");
      } finally {
        data.release();
      }
    }
    assertTrue(laterTrialAfterTheChosen, "on some night a trial ran after the chosen one");
  }

  @Test
  void noEpochOfThePublishedHistoryHasATrainingLossAboveItsFirstEpochs() {
    for (String id : new String[] {"night-1", "night-2"}) {
      List<Row> rows = spark.read().parquet(out.resolve(id).resolve("history").toString()).orderBy("epoch")
          .select("train_loss").collectAsList();
      double first = rows.get(0).getDouble(0);
      for (int e = 1; e < rows.size(); e++) {
        assertTrue(rows.get(e).getDouble(0) <= first, id + " epoch " + (e + 1) + ": " + rows.get(e).getDouble(0)
            + " > " + first);
      }
    }
  }
}
