package dev.bigram.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigram.config.TrainerConfig;
import dev.bigram.data.DataPass;
import dev.bigram.data.TrainingData;
import dev.bigram.loss.Kernel;
import dev.bigram.output.PublishedRun;
import dev.bigram.testing.CliRun;
import dev.bigram.testing.SparkTestBase;
import dev.bigram.train.DistributedLoss;
import dev.bigram.train.Exchange;
import dev.bigram.train.WeightShipping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs with the low-rank term ({@code model.rank}): trained with its factors, published with the term folded into
 * {@code W}, and warm-started from, on the sample corpus.
 */
class LowRankRunTest extends SparkTestBase {
  static final List<String> SETTINGS = List.of("vocab.size=300", "train.max-epochs=40", "train.l2=0.000003");

  @TempDir
  static Path out;

  @BeforeAll
  static void runs() {
    train("plain", "model.rank=0").assertSuccess();
    train("ranked", "model.rank=4").assertSuccess();
    train("warm", "model.rank=4", "--init-from", out.resolve("ranked").toString()).assertSuccess();
  }

  private static CliRun train(String id, String rank, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--input", input(), "--output", out.toString(),
        "--run-id", id, "--set", rank));
    for (String s : SETTINGS) {
      args.add("--set");
      args.add(s);
    }
    args.addAll(List.of(more));
    return CliRun.of(spark, args.toArray(String[]::new));
  }

  private static String input() {
    return projectRoot().resolve("sample-data/kjv-excerpt.txt").toString();
  }

  private static JsonNode summary(String id) throws Exception {
    return new ObjectMapper().readTree(out.resolve(id).resolve("summary.json").toFile());
  }

  /** The published model's validation loss on the run's own split, scored as training scores it. */
  private static double publishedValidationLoss(String id, String rank) {
    List<String> keys = new ArrayList<>(SETTINGS);
    keys.add(rank);
    TrainerConfig config = TrainerConfig.load(null, keys);
    TrainingData data = DataPass.run(jsc, List.of(input()), config.tokenizer(), config.vocabSize(),
        config.vocabMinCount(), config.validationFraction(), jsc.defaultParallelism(), config.input());
    try {
      PublishedRun run = PublishedRun.open(spark, out.resolve(id).toString());
      assertEquals(0, run.model().rank(), id + ": the published model has the term folded into W");
      assertEquals((long) run.model().numClasses() * run.model().numClasses(), run.model().numWeights());
      return new DistributedLoss(jsc, data.blocks(), data.partitioner(), WeightShipping.Mode.SHARDED,
          Kernel.of(config.kernel()), Exchange.DRIVER, null).evaluate(run.model(), false).aggregator()
          .validationLoss();
    } finally {
      data.release();
    }
  }

  @Test
  void thePublishedModelWithTheTermFoldedInScoresExactlyTheBestValidationLossTrainingReported() throws Exception {
    double reported = summary("ranked").get("best_validation_loss").asDouble();
    assertEquals(reported, publishedValidationLoss("ranked", "model.rank=4"), 1e-12 * reported);
    assertEquals(4, summary("ranked").get("model_rank").asInt());
    assertEquals(0, summary("plain").get("model_rank").asInt());
  }

  @Test
  void theLowRankTermLowersTheValidationLossOfTheSameTraining() throws Exception {
    double plain = summary("plain").get("best_validation_loss").asDouble();
    double ranked = summary("ranked").get("best_validation_loss").asDouble();
    assertTrue(ranked < plain - 0.005, "rank 4: " + ranked + ", rank 0: " + plain);
  }

  @Test
  void aWarmStartFromARankedRunStartsFromItsFoldedModelAndEndsNoWorse() throws Exception {
    JsonNode warm = summary("warm");
    double ranked = summary("ranked").get("best_validation_loss").asDouble();
    assertTrue(warm.get("init_from").asText().endsWith("ranked"), "warm start from the ranked run: " + warm);
    assertTrue(warm.get("best_validation_loss").asDouble() <= ranked + 1e-4,
        "warm " + warm.get("best_validation_loss") + " against the run it started from, " + ranked);
    assertEquals(4, warm.get("model_rank").asInt());
    assertTrue(warm.get("factors_carried_over").asBoolean(), "the factors carried over by word: " + warm);
    assertEquals(4, PublishedRun.open(spark, out.resolve("warm").toString()).factors().rank(),
        "the warm run keeps its factors beside its folded W");
    assertEquals(null, PublishedRun.open(spark, out.resolve("plain").toString()).factors(),
        "a run without the term has no factors/");
  }
}
