package dev.bigram.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.bigram.data.DataPass;
import dev.bigram.data.TrainingData;
import dev.bigram.loss.Gradient;
import dev.bigram.loss.GradientRows;
import dev.bigram.loss.Kernel;
import dev.bigram.model.BigramModel;
import dev.bigram.model.SparsePairs;
import dev.bigram.testing.SparkTestBase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two places an epoch can run give the same loss and gradient: the driver's own threads over the collected
 * blocks ({@link Exchange#DRIVER}, the default) and Spark's broadcast and task results
 * ({@link Exchange#BROADCAST}).
 */
class ExchangeTest extends SparkTestBase {
  private static final int V = 300;
  private static TrainingData data;

  @BeforeAll
  static void countTheSample() {
    String corpus = projectRoot().resolve("sample-data/kjv-excerpt.txt").toString();
    data = DataPass.run(jsc, List.of(corpus), dev.bigram.config.TrainerConfig.load(null, List.of()).tokenizer(),
        V, 1, 0.1, 3);
  }

  @AfterAll
  static void release() {
    if (data != null) data.release();
  }

  private static DistributedLoss.Evaluation evaluate(Exchange exchange, Kernel kernel, BigramModel model) {
    return new DistributedLoss(jsc, data.blocks(), data.partitioner(), WeightShipping.Mode.SHARDED, kernel,
        exchange, null).evaluate(model, true);
  }

  /** Every gradient entry of {@code a} equals {@code b}'s exactly; losses and the bias gradient to 1e-12. */
  private static void assertSameEvaluation(DistributedLoss.Evaluation a, DistributedLoss.Evaluation b, int weights,
      SparsePairs pairs) {
    assertEquals(a.aggregator().loss(), b.aggregator().loss(), 1e-12 * a.aggregator().loss(), "training loss");
    assertEquals(a.aggregator().validationLoss(), b.aggregator().validationLoss(),
        1e-12 * a.aggregator().validationLoss(), "validation loss");
    Gradient ga = a.aggregator().gradient();
    Gradient gb = b.aggregator().gradient();
    assertEquals(ga.scale(), gb.scale(), 0.0, "1 / N");
    assertArrayEquals(ga.bias(), gb.bias(), 1e-12 * java.util.Arrays.stream(ga.bias()).map(Math::abs).max()
        .orElse(1), "bias gradient");
    assertArrayEquals(dense(ga, weights, pairs), dense(gb, weights, pairs), 0.0, "gradient of W");
  }

  /** The gradient rows laid out over the model's weights (pairs: null for dense), 0 where no range covers a row. */
  private static double[] dense(Gradient g, int weights, SparsePairs pairs) {
    double[] out = new double[weights];
    for (GradientRows rows : g.rows()) {
      if (rows.isSparse()) {
        int first = pairs.rowStarts()[rows.firstRow()];
        for (int k = 0; k < rows.length(); k++) out[first + k] = rows.value(rows.base() + k);
      } else {
        for (int r = rows.firstRow(); r < rows.endRow(); r++) {
          for (int j = 0; j < V; j++) out[r * V + j] = rows.value(rows.offsetOf(r) + j);
        }
      }
    }
    return out;
  }

  @Test
  void theDriverGivesTheLossAndGradientOfTheBroadcast() {
    int v = data.vocab().size();
    BigramModel model = BigramModel.initialize(v, true, 0.05, 7);
    DistributedLoss.Evaluation onDriver = evaluate(Exchange.DRIVER, Kernel.FAST, model);
    assertEquals(0, onDriver.broadcastBytes(), "nothing is broadcast");
    assertNotNull(onDriver.aggregator().gradient());
    assertSameEvaluation(evaluate(Exchange.BROADCAST, Kernel.FAST, model), onDriver, v * v, null);
    // The exact kernel keeps its double rows per block, merged on the driver as task results are.
    assertSameEvaluation(evaluate(Exchange.BROADCAST, Kernel.EXACT, model),
        evaluate(Exchange.DRIVER, Kernel.EXACT, model), v * v, null);
  }

  @Test
  void theDriverGivesTheBroadcastsLossAndGradientWithTheLowRankFactorsShippedBesideW() {
    int v = data.vocab().size();
    BigramModel model = BigramModel.initialize(v, true, 0.05, 7, 3);
    java.util.Random r = new java.util.Random(3);
    for (int k = dev.bigram.model.LowRank.aStart(v); k < model.weights().length; k++) {
      model.weights()[k] = (float) (0.3 * r.nextGaussian());
    }
    DistributedLoss.Evaluation onDriver = evaluate(Exchange.DRIVER, Kernel.FAST, model);
    DistributedLoss.Evaluation broadcast = evaluate(Exchange.BROADCAST, Kernel.FAST, model);
    assertSameEvaluation(broadcast, onDriver, v * v, null);
    assertArrayEquals(dev.bigram.loss.FactorGradient.of(model.weights(), v, 3, onDriver.aggregator().gradient()),
        dev.bigram.loss.FactorGradient.of(model.weights(), v, 3, broadcast.aggregator().gradient()), 0.0,
        "the factors' gradient");
    // Without the factors the loss is another one: the broadcast did carry them.
    BigramModel plain = new BigramModel(v, java.util.Arrays.copyOf(model.weights(), v * v), model.bias());
    org.junit.jupiter.api.Assertions.assertNotEquals(onDriver.aggregator().loss(),
        evaluate(Exchange.DRIVER, Kernel.FAST, plain).aggregator().loss());
  }

  @Test
  void theDriverGivesTheBroadcastsLossAndGradientForTheSparseModel() {
    SparsePairs pairs = data.trainingPairs(1);
    BigramModel model = BigramModel.initialize(pairs, true, 0.05, 11);
    assertSameEvaluation(evaluate(Exchange.BROADCAST, Kernel.FAST, model),
        evaluate(Exchange.DRIVER, Kernel.FAST, model), pairs.size(), pairs);
  }

  @Test
  void theEpochsRunOnTheDriverUnlessTheBroadcastIsAskedForByEachModesKey() {
    assertEquals(Exchange.DRIVER, Exchange.choose(false, true, "driver"));
    assertEquals(Exchange.BROADCAST, Exchange.choose(false, true, "broadcast"));
    // Local mode: train.local-exchange decides, train.cluster-exchange has no effect.
    assertEquals(Exchange.DRIVER, Exchange.choose(true, true, "broadcast"));
    assertEquals(Exchange.BROADCAST, Exchange.choose(true, false, "driver"));
  }
}
