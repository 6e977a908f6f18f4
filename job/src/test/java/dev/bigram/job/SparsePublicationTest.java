package dev.bigram.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.config.TrainerConfig;
import dev.bigram.model.BigramModel;
import dev.bigram.output.PublishedRun;
import dev.bigram.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trained sparse model as it is published: its summary names the layout, its tables read back as the model
 * that was trained, and the comparison with the published run before moving LATEST scores either layout.
 */
class SparsePublicationTest extends SparkTestBase {
  @TempDir
  Path out;

  private TrainJob.Outcome train(String runId, String weights) {
    List<String> all = new ArrayList<>(List.of(
        "input.paths=[\"" + projectRoot().resolve("sample-data/kjv-excerpt.txt") + "\"]", "output.dir=" + out,
        "vocab.size=60", "train.partitions=2", "train.max-epochs=3", "train.l2=0", "model.weights=" + weights));
    return TrainJob.run(spark, TrainerConfig.load(null, all), new TrainJob.RunOptions(runId, false, null, false, true));
  }

  @Test
  void aSparseRunNamesItsLayoutAndPairsAndReadsBackAsTheModelTrained() {
    TrainJob.Outcome sparse = train("sparse", "sparse");
    BigramModel trained = sparse.result().bestModel();
    assertTrue(trained.isSparse());
    assertEquals("sparse", sparse.summary().get("model_weights"));
    assertEquals(trained.pairs().size(), sparse.summary().get("model_pairs"));
    assertEquals(((Number) sparse.summary().get("distinct_bigrams")).intValue(), trained.pairs().size(),
        "a weight for every distinct training pair");
    assertEquals(trained, PublishedRun.open(spark, sparse.runDir().toString()).model());

    PublishedRun plain = PublishedRun.open(new org.apache.hadoop.conf.Configuration(), sparse.runDir().toString());
    Map<Integer, double[]> p = plain.probabilities(List.of(0, 5, 59));
    for (int id : List.of(0, 5, 59)) assertArrayEquals(trained.probabilities(id), p.get(id), 1e-12, "row " + id);

    TrainJob.Outcome dense = train("dense", "dense");
    assertEquals("dense", dense.summary().get("model_weights"));
    assertFalse(dense.summary().containsKey("model_pairs"));
  }

  /**
   * Dense, then sparse, then the same dense run again, each moving LATEST: the third run's comparison scores the
   * first run's model as the second's did, and the second's as the second scored itself, whichever layout is
   * the new one and which is read from disk.
   */
  @Test
  void theComparisonWithThePublishedRunScoresEitherLayoutFromEitherSide() {
    train("a-dense", "dense");
    Map<String, Object> sparseVsDense = comparison(train("b-sparse", "sparse"));
    Map<String, Object> denseVsSparse = comparison(train("c-dense", "dense"));
    assertEquals("a-dense", sparseVsDense.get("published_run"));
    assertEquals("b-sparse", denseVsSparse.get("published_run"));
    assertEquals(sparseVsDense.get("validation_pairs"), denseVsSparse.get("validation_pairs"));
    assertTrue(((Number) sparseVsDense.get("validation_pairs")).longValue() > 0);
    assertEquals(number(sparseVsDense, "published_cross_entropy"), number(denseVsSparse, "new_cross_entropy"), 1e-12);
    assertEquals(number(sparseVsDense, "new_cross_entropy"), number(denseVsSparse, "published_cross_entropy"), 1e-12);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> comparison(TrainJob.Outcome o) {
    Object c = o.summary().get("published_comparison");
    assertTrue(c instanceof Map, "a comparison with the published run: " + o.summary());
    return (Map<String, Object>) c;
  }

  private static double number(Map<String, Object> m, String key) {
    return ((Number) m.get(key)).doubleValue();
  }
}
