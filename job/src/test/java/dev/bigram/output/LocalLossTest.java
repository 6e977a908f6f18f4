package dev.bigram.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.config.ReadSettings;
import dev.bigram.config.TrainerConfig;
import dev.bigram.data.InputException;
import dev.bigram.data.LocalBigrams;
import dev.bigram.data.RowBlock;
import dev.bigram.data.Tokenizer;
import dev.bigram.data.Vocabulary;
import dev.bigram.job.TrainJob;
import dev.bigram.loss.BigramLossAggregator;
import dev.bigram.loss.Kernel;
import dev.bigram.loss.WeightRows;
import dev.bigram.model.BigramModel;
import dev.bigram.testing.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalLoss}, which streams a run's rows in batches, gives the loss of the whole model read with Spark,
 * whatever the batch size (one row per batch, a few rows, all of them), and refuses a model with a row missing
 * as the Spark reader does.
 */
class LocalLossTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static Path heldOut;

  @BeforeAll
  static void writeHeldOutText() throws IOException {
    Path corpus = projectRoot().resolve("sample-data/kjv-excerpt.txt");
    List<String> lines = Files.readAllLines(corpus, StandardCharsets.UTF_8);
    heldOut = dir.resolve("held-out.txt");
    Files.write(heldOut, IntStream.range(0, lines.size()).filter(i -> i % 10 == 0).mapToObj(lines::get).toList());
  }

  static Path train(String runId, String... sets) {
    Path corpus = projectRoot().resolve("sample-data/kjv-excerpt.txt");
    List<String> all = new ArrayList<>(List.of("input.paths=[\"" + corpus + "\"]",
        "output.dir=" + dir.resolve("runs-" + runId), "vocab.size=120", "train.max-epochs=3"));
    all.addAll(List.of(sets));
    return Path.of(TrainJob.run(spark, TrainerConfig.load(null, all), new TrainJob.RunOptions(runId, false))
        .runDir().toUri());
  }

  private static void assertBatchesGiveTheWholeModelsLoss(Path runDir) {
    PublishedRun run = PublishedRun.open(spark, runDir.toString());
    RowBlock held = LocalBigrams.read(jsc.hadoopConfiguration(), heldOut.toString(), new Tokenizer(run.tokenizer()),
        run.vocabulary(), ReadSettings.defaults());
    BigramModel m = run.model();
    int v = m.numClasses();
    WeightRows all = m.isSparse() ? WeightRows.sparseView(m.pairs(), m.weights(), m.bias(), 0, v)
        : WeightRows.whole(m.weights(), m.bias(), v);
    BigramLossAggregator whole = new BigramLossAggregator(v, false, Kernel.FAST).add(held, all);
    BigramLossAggregator known = new BigramLossAggregator(v, false, Kernel.FAST)
        .add(held.without(Vocabulary.UNK_ID), all);
    for (int batch : new int[] {1, 3 * v, LocalLoss.BATCH_WEIGHTS}) {
      BigramLossAggregator[] local = LocalLoss.evaluate(run, batch, held, held.without(Vocabulary.UNK_ID));
      assertEquals(whole.count(), local[0].count(), "batch " + batch);
      assertEquals(whole.loss(), local[0].loss(), 1e-12 * whole.loss(), "batch " + batch);
      assertEquals(known.count(), local[1].count(), "batch " + batch);
      assertEquals(known.loss(), local[1].loss(), 1e-12 * known.loss(), "batch " + batch);
    }
    assertTrue(whole.count() > known.count() && known.count() > 0);
  }

  @Test
  void aDenseModelStreamedInBatchesOfAnySizeHasTheWholeModelsLoss() {
    assertBatchesGiveTheWholeModelsLoss(train("dense", "model.weights=dense"));
  }

  @Test
  void aSparseModelStreamedInBatchesOfAnySizeHasTheWholeModelsLoss() {
    assertBatchesGiveTheWholeModelsLoss(train("sparse", "model.weights=sparse", "tokenizer.sentence-markers=true"));
  }

  @Test
  void aModelWithARowMissingIsRefusedAsTheSparkReaderRefusesIt() throws IOException {
    Path runDir = train("short", "model.weights=sparse");
    PublishedRun run = PublishedRun.open(jsc.hadoopConfiguration(), runDir.toString());
    RowBlock held = LocalBigrams.read(jsc.hadoopConfiguration(), heldOut.toString(), new Tokenizer(run.tokenizer()),
        run.vocabulary(), ReadSettings.defaults());
    int v = run.vocabulary().size();
    // Rewrite the model without its last row, in place.
    Path model = runDir.resolve("model");
    spark.read().parquet(model.toString()).filter("id < " + (v - 1)).coalesce(1).write()
        .parquet(dir.resolve("short-model").toString());
    try (var files = Files.list(model)) {
      for (Path f : files.toList()) Files.delete(f);
    }
    try (var files = Files.list(dir.resolve("short-model"))) {
      for (Path f : files.toList()) Files.copy(f, model.resolve(f.getFileName()));
    }
    InputException local = assertThrows(InputException.class, () -> LocalLoss.evaluate(run, held));
    InputException distributed = assertThrows(InputException.class,
        () -> PublishedRun.open(spark, runDir.toString()).model());
    assertEquals(distributed.getMessage(), local.getMessage());
    assertTrue(local.getMessage().contains("has " + (v - 1) + " rows, expected V = " + v), local.getMessage());
  }
}
