package dev.bigram.job;

import static dev.bigram.train.TrainingTest.assertSameHistory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigram.config.TrainerConfig;
import dev.bigram.model.BigramModel;
import dev.bigram.output.PublishedRun;
import dev.bigram.testing.CliRun;
import dev.bigram.testing.FaultyFileSystem;
import dev.bigram.testing.SparkTestBase;
import dev.bigram.train.EpochRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sparse model ({@code model.weights = sparse}) through the whole job on a local SparkSession: the history
 * does not depend on the partitions or on how weights travel, training reaches the floor, a resumed run equals
 * an uninterrupted one, a warm start carries weights across layouts, and a vocabulary of 100,000 words trains.
 */
class SparseModelTest extends SparkTestBase {
  @TempDir
  Path out;

  static String corpus() {
    return projectRoot().resolve("sample-data/kjv-excerpt.txt").toString();
  }

  TrainJob.Outcome train(String runId, String... sets) {
    List<String> all = new ArrayList<>(List.of("input.paths=[\"" + corpus() + "\"]", "output.dir=" + out,
        "vocab.size=300", "train.max-epochs=8", "early-stopping.patience=50", "train.l2=0.0001",
        "model.weights=sparse"));
    all.addAll(List.of(sets));
    return TrainJob.run(spark, TrainerConfig.load(null, all), new TrainJob.RunOptions(runId, false));
  }

  @Test
  void partitionsAndTheWayWeightsTravelDoNotChangeTheSparseHistory() {
    TrainJob.Outcome one = train("p1", "train.partitions=1");
    List<EpochRecord> three = train("p3", "train.partitions=3").result().history();
    List<EpochRecord> broadcast = train("p3b", "train.partitions=3", "train.local-exchange=false",
        "train.broadcast=whole").result().history();
    assertEquals("sparse", one.summary().get("model_weights"));
    assertSameHistory(one.result().history(), three, 1e-9);
    // The partial sums of the blocks reach the driver in the order their tasks end: the last digit may differ.
    assertSameHistory(three, broadcast, 1e-12);
    List<EpochRecord> h = one.result().history();
    assertTrue(h.get(7).trainLoss() < h.get(0).trainLoss() - 0.3, "training lowers the loss: " + h);
  }

  @Test
  void withoutRegularizationTheSparseTrainingLossReachesWithinOnePercentOfTheFloor() {
    TrainJob.Outcome o = train("floor", "train.validation-fraction=0", "train.l2=0", "train.max-epochs=400",
        "train.learning-rate=0.3", "train.decay=1.0", "train.min-learning-rate=0", "early-stopping.min-delta=0");
    double floor = ((Number) o.summary().get("train_loss_floor")).doubleValue();
    double best = o.result().history().stream().mapToDouble(EpochRecord::trainLoss).min().orElseThrow();
    assertTrue(best <= floor * 1.01, "best training loss " + best + " is not within 1% of the floor " + floor);
    assertTrue(best >= floor - 1e-9, "no model can beat the floor: " + best + " < " + floor);
  }

  @Test
  void aResumedSparseRunEqualsAnUninterruptedOne() {
    TrainJob.Outcome whole = train("whole", "train.max-epochs=10");
    // The first attempt trains 5 epochs and fails at its very last write (a full disk), which keeps its
    // checkpoints; --resume with more epochs continues from epoch 5's checkpoint.
    FaultyFileSystem.register(jsc.hadoopConfiguration());
    String faulty = FaultyFileSystem.uri(out.resolve("faulty"));
    FaultyFileSystem.fillUpWhenWriting("/LATEST.");
    try {
      assertThrows(RuntimeException.class, () -> TrainJob.run(spark, config(faulty, "train.max-epochs=5",
          "train.checkpoint-every=1"), new TrainJob.RunOptions("part", false)));
    } finally {
      FaultyFileSystem.fillUpWhenWriting(null);
    }
    TrainJob.Outcome resumed = TrainJob.run(spark, config(faulty, "train.max-epochs=10", "train.checkpoint-every=1"),
        new TrainJob.RunOptions("part", false, null, true, false));
    assertEquals(5, ((Number) resumed.summary().get("resumed_from_epoch")).intValue());
    assertSameHistory(whole.result().history(), resumed.result().history(), 1e-9);
    assertEquals(PublishedRun.open(spark, whole.runDir().toString()).model(),
        PublishedRun.open(spark, resumed.runDir().toString()).model(), "the same published weights");
  }

  TrainerConfig config(String output, String... sets) {
    List<String> all = new ArrayList<>(List.of("input.paths=[\"" + corpus() + "\"]", "output.dir=" + output,
        "vocab.size=300", "early-stopping.patience=50", "train.l2=0.0001", "model.weights=sparse"));
    all.addAll(List.of(sets));
    return TrainerConfig.load(null, all);
  }

  static List<Row> history(Path run) {
    return spark.read().parquet(run.resolve("history").toString()).orderBy("epoch").collectAsList();
  }

  @Test
  void aWarmStartCarriesWeightsByWordPairFromADenseRunIntoASparseOne() {
    TrainJob.Outcome dense = train("dense", "model.weights=dense", "train.max-epochs=20");
    BigramModel d = PublishedRun.open(spark, dense.runDir().toString()).model();
    List<String> all = new ArrayList<>(List.of("input.paths=[\"" + corpus() + "\"]", "output.dir=" + out,
        "vocab.size=300", "train.max-epochs=1", "train.l2=0.0001", "model.weights=sparse"));
    TrainJob.Outcome warm = TrainJob.run(spark, TrainerConfig.load(null, all),
        new TrainJob.RunOptions("warm", false, dense.runDir().toString(), false, false));
    assertEquals(300, ((Number) warm.summary().get("words_carried_over")).intValue());
    // Epoch 1 evaluates the carried-over weights: the dense model's own pairs, its bias, and 0 elsewhere.
    BigramModel s = PublishedRun.open(spark, warm.runDir().toString()).model();
    assertTrue(s.isSparse());
    assertTrue(warm.result().history().get(0).trainLoss() < dense.result().history().get(0).trainLoss(),
        "a warm start begins below a cold one");
  }

  @Test
  void theSparseModelKeepsExactlyThePairsSeenAtLeastPairMinCountTimes() {
    TrainerConfig config = config(out.toString());
    dev.bigram.data.TrainingData data = dev.bigram.data.DataPass.run(jsc, config.inputPaths(), config.tokenizer(),
        config.vocabSize(), config.vocabMinCount(), config.validationFraction(), 3);
    try {
      dev.bigram.model.SparsePairs all = data.trainingPairs(1);
      dev.bigram.model.SparsePairs repeated = data.trainingPairs(2);
      assertEquals(data.distinctTrainBigrams(), all.size());
      int expected = 0;
      for (dev.bigram.data.RowBlock block : data.blocks().collect()) {
        dev.bigram.data.CountRows train = block.train();
        for (int r = 0; r < train.numRows(); r++) {
          for (int k = train.pairStart(r); k < train.pairEnd(r); k++) {
            boolean kept = repeated.find(train.row(r), train.nextId(k)) >= 0;
            assertEquals(train.pairCount(k) >= 2, kept, "pair " + train.row(r) + " " + train.nextId(k));
            assertTrue(all.find(train.row(r), train.nextId(k)) >= 0);
            if (kept) expected++;
          }
        }
      }
      assertEquals(expected, repeated.size());
      assertTrue(repeated.size() > 0 && repeated.size() < all.size(), repeated.size() + " of " + all.size());
    } finally {
      data.release();
    }
  }

  /**
   * Generated text with 100,000 word types, each seen at least twice: id {@code t / 3} of a counter walks through
   * all of them, the other tokens are frequent words, so that the sparse model of V = 100,000 trains in seconds.
   */
  static Path largeVocabularyCorpus(Path dir) throws IOException {
    Path file = dir.resolve("large-vocabulary.txt");
    long state = 12345;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int t = 0; t < 600_000; t++) {
        int id;
        if (t % 3 == 0) {
          id = (t / 3) % 100_000;
        } else {
          state = state * 6364136223846793005L + 1442695040888963407L;
          id = (int) (((state >>> 33) % 1000) * ((state >>> 20) % 1000) / 1000);
        }
        w.write("w" + Integer.toString(id, 36));
        w.write(t % 12 == 11 ? "\n" : " ");
      }
    }
    return file;
  }

  @Test
  void aVocabularyOf100000WordsTrainsTheSparseModelByDefault() throws Exception {
    Path corpus = largeVocabularyCorpus(out);
    Path runs = out.resolve("large");
    CliRun.of(spark, "train", "--input", corpus.toString(), "--output", runs.toString(), "--run-id", "v100k",
        "--set", "vocab.size=100000", "--set", "train.l2=0.00001", "--set", "train.max-epochs=10",
        "--set", "analysis.trace-top=0").assertSuccess();
    JsonNode summary = new ObjectMapper().readTree(runs.resolve("v100k/summary.json").toFile());
    assertEquals(100_000, summary.get("vocab_size").asInt());
    assertEquals("sparse", summary.get("model_weights").asText(), "auto picks the sparse model beyond 10,000");
    List<Row> h = history(runs.resolve("v100k"));
    assertTrue(h.get(h.size() - 1).getDouble(h.get(0).fieldIndex("train_loss"))
        < h.get(0).getDouble(h.get(0).fieldIndex("train_loss")) - 0.05, "training lowers the loss");
    double[] p = PublishedRun.open(spark, runs.resolve("v100k").toString()).probabilities(5);
    assertEquals(100_000, p.length);
    double sum = 0;
    for (double x : p) sum += x;
    assertEquals(1.0, sum, 1e-9);
  }
}
