package dev.bigram.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.config.TrainerConfig;
import dev.bigram.data.DataPass;
import dev.bigram.data.TrainingData;
import dev.bigram.job.TrainJob;
import dev.bigram.model.BigramModel;
import dev.bigram.optim.StopReason;
import dev.bigram.output.PublishedRun;
import dev.bigram.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The epoch loop on a local SparkSession: determinism, partition invariance, the floor, early stopping. */
public class TrainingTest extends SparkTestBase {
  static final double HISTORY_TOLERANCE = 1e-9;

  @TempDir
  Path out;

  static String corpus(String file) {
    return projectRoot().resolve("sample-data").resolve(file).toString();
  }

  TrainJob.Outcome train(String runId, String... sets) {
    List<String> all = new ArrayList<>(List.of("input.paths=[\"" + corpus("kjv-excerpt.txt") + "\"]",
        "output.dir=" + out, "vocab.size=300", "train.max-epochs=8", "early-stopping.patience=50",
        "train.l2=0"));
    all.addAll(List.of(sets));
    return TrainJob.run(spark, TrainerConfig.load(null, all), new TrainJob.RunOptions(runId, false));
  }

  public static void assertSameHistory(List<EpochRecord> a, List<EpochRecord> b, double tol) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      EpochRecord x = a.get(i);
      EpochRecord y = b.get(i);
      assertEquals(x.trainLoss(), y.trainLoss(), tol * Math.abs(x.trainLoss()), "train loss, epoch " + x.epoch());
      assertEquals(x.validationLoss(), y.validationLoss(), tol * Math.abs(x.validationLoss()),
          "validation loss, epoch " + x.epoch());
      assertEquals(x.gradNorm(), y.gradNorm(), tol * Math.abs(x.gradNorm()), "gradient norm, epoch " + x.epoch());
    }
  }

  @Test
  void oneThreeAndEightPartitionsGiveTheSameHistory() {
    List<EpochRecord> one = train("p1", "train.partitions=1").result().history();
    List<EpochRecord> three = train("p3", "train.partitions=3").result().history();
    List<EpochRecord> eight = train("p8", "train.partitions=8", "train.broadcast=whole").result().history();
    assertSameHistory(one, three, HISTORY_TOLERANCE);
    assertSameHistory(one, eight, HISTORY_TOLERANCE);
    assertTrue(one.get(7).trainLoss() < one.get(0).trainLoss() - 0.5, "training should lower the loss");
  }

  @Test
  void theSameSeedGivesTheSameHistoryAndAnotherSeedDoesNot() {
    List<EpochRecord> a = train("s1", "model.seed=7", "train.max-epochs=4").result().history();
    List<EpochRecord> b = train("s2", "model.seed=7", "train.max-epochs=4").result().history();
    List<EpochRecord> c = train("s3", "model.seed=8", "train.max-epochs=4").result().history();
    assertSameHistory(a, b, 0.0);
    assertNotEquals(a.get(0).trainLoss(), c.get(0).trainLoss());
  }

  @Test
  void withoutRegularizationTheTrainingLossReachesWithinOnePercentOfTheFloor() {
    TrainJob.Outcome o = train("floor", "train.validation-fraction=0", "train.l2=0", "train.max-epochs=400",
        "train.learning-rate=0.2", "train.decay=1.0", "train.min-learning-rate=0", "early-stopping.min-delta=0");
    TrainingResult r = o.result();
    double floor = ((Number) o.summary().get("train_loss_floor")).doubleValue();
    double best = r.history().stream().mapToDouble(EpochRecord::trainLoss).min().orElseThrow();
    assertTrue(best <= floor * 1.01, "best training loss " + best + " is not within 1% of the floor " + floor);
    assertTrue(best >= floor - 1e-9, "no model can beat the floor: " + best + " < " + floor);
  }

  @Test
  void aUnigramStartingBiasStartsAtTheUnigramAndReachesTheFloorInFewerEpochs() {
    String[] common = {"model.init-bias=zero", "train.validation-fraction=0", "model.init-stddev=0", "model.rank=0",
        "train.max-epochs=60", "train.learning-rate=0.2", "train.decay=1.0", "train.min-learning-rate=0", "early-stopping.min-delta=0"};
    TrainJob.Outcome zero = train("bias-zero", common);
    List<String> withUnigram = new ArrayList<>(List.of(common));
    withUnigram.add("model.init-bias=unigram");
    TrainJob.Outcome unigram = train("bias-unigram", withUnigram.toArray(String[]::new));
    int v = ((Number) zero.summary().get("vocab_size")).intValue();
    double floor = ((Number) zero.summary().get("train_loss_floor")).doubleValue();
    List<EpochRecord> a = zero.result().history();
    List<EpochRecord> b = unigram.result().history();
    assertEquals(Math.log(v), a.get(0).trainLoss(), 1e-9, "W = 0 and b = 0: every context is uniform");
    assertTrue(b.get(0).trainLoss() < a.get(0).trainLoss() - 0.5, "the unigram start is well below log V: "
        + b.get(0).trainLoss());
    assertTrue(epochsToWithin(b, floor, 0.05) < epochsToWithin(a, floor, 0.05),
        "the unigram start reaches 5% of the floor sooner");
  }

  static int epochsToWithin(List<EpochRecord> history, double floor, double fraction) {
    for (EpochRecord e : history) {
      if (e.trainLoss() <= floor * (1 + fraction)) return e.epoch();
    }
    return Integer.MAX_VALUE;
  }

  @Test
  void earlyStoppingStopsAfterPatienceAndPublishesTheBestEpoch() {
    // No regularization, a large step: the validation loss turns up while the training loss still falls.
    TrainJob.Outcome o = train("es", "train.validation-fraction=0.3", "train.learning-rate=0.5", "train.decay=1.0",
        "train.max-epochs=200", "early-stopping.patience=3", "early-stopping.min-delta=0");
    TrainingResult r = o.result();
    assertEquals(StopReason.EARLY_STOPPING, r.stopReason());
    assertEquals(r.bestEpoch() + 3, r.history().size(), "stops exactly 3 epochs after the best");
    double bestVal = r.bestRecord().validationLoss();
    for (EpochRecord e : r.history()) assertTrue(e.validationLoss() >= bestVal, "epoch " + e.epoch());

    // The published model is the best epoch's: re-evaluating it gives that epoch's validation loss.
    BigramModel published = PublishedRun.open(spark, o.runDir().toString()).model();
    TrainerConfig config = TrainerConfig.load(null, List.of("input.paths=[\"" + corpus("kjv-excerpt.txt") + "\"]",
        "vocab.size=300", "train.validation-fraction=0.3"));
    TrainingData data = DataPass.run(jsc, config.inputPaths(), config.tokenizer(), config.vocabSize(),
        config.vocabMinCount(), config.validationFraction(), 2);
    try {
      double val = new DistributedLoss(jsc, data.blocks(), data.partitioner(), WeightShipping.Mode.SHARDED)
          .evaluate(published, false).aggregator().validationLoss();
      assertEquals(bestVal, val, 1e-9 * bestVal);
    } finally {
      data.release();
    }
    List<Row> history = spark.read().parquet(o.runDir() + "/history").orderBy("epoch").collectAsList();
    assertEquals(r.history().size(), history.size());
    assertEquals(r.bestEpoch(), history.stream().filter(h -> h.getBoolean(h.fieldIndex("is_best")))
        .mapToInt(h -> h.getInt(h.fieldIndex("epoch"))).max().orElseThrow());
  }

  @Test
  void theDriversCoresGiveExactlyTheBroadcastHistoryAndTheFastKernelTracksTheExactOne() {
    List<EpochRecord> shared = train("lx1", "train.local-exchange=true").result().history();
    List<EpochRecord> broadcast = train("lx2", "train.local-exchange=false").result().history();
    List<EpochRecord> exact = train("lx3", "train.kernel=exact").result().history();
    assertSameHistory(shared, broadcast, 0.0);
    // Float exp and float gradients: 1e-6 per evaluation, compounded over 8 Adam steps.
    assertSameHistory(shared, exact, 1e-4);
  }
}
