package dev.bigram.train;

import dev.bigram.data.TrainingData;
import dev.bigram.model.BigramModel;
import dev.bigram.optim.Convergence;
import dev.bigram.optim.EarlyStopping;
import dev.bigram.optim.L2;
import dev.bigram.optim.LearningRateSchedule;
import dev.bigram.optim.Optimizer;
import dev.bigram.optim.StopReason;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop (docs/design.md, "The epoch loop"), one epoch at a time: evaluate the current parameters on every block (one
 * broadcast, one treeAggregate giving training loss, gradient and validation loss), keep them if they are the
 * best so far, update centrally, record the epoch, and stop on patience, divergence or the epoch limit.
 */
public final class EpochLoop {
  private static final Logger LOG = LoggerFactory.getLogger(EpochLoop.class);
  /**
   * A training loss above this many times epoch 1's is divergence, even while it is still finite: the loss
   * starts near the unigram entropy, and no learning rate that trains ever multiplies it tenfold.
   */
  public static final double RUNAWAY_FACTOR = 10.0;

  private final DistributedLoss loss;
  private final TrainingData data;
  private final LoopSettings settings;
  private final BigramModel model;
  private final BigramModel best;
  private final Optimizer optimizer;
  private final EarlyStopping earlyStopping;
  private final List<EpochRecord> history;
  private final EpochListener listener;
  private int epoch;

  /**
   * Settings of the loop.
   *
   * @param statusThreshold a training-loss change within +- this is Stable
   * @param convergence the convergence test on the training loss
   * @param stopOnConvergence stop (reason CONVERGED) as soon as the convergence test holds
   */
  public record LoopSettings(LearningRateSchedule schedule, int maxEpochs, L2 l2, int patience,
      double minDelta, double statusThreshold, Convergence convergence, boolean stopOnConvergence) {}

  public EpochLoop(DistributedLoss loss, TrainingData data, LoopSettings settings, BigramModel initial,
      Optimizer optimizer, EpochListener listener) {
    this(loss, data, settings, initial, initial.copy(), optimizer,
        new EarlyStopping(settings.patience(), settings.minDelta()), new ArrayList<>(), 0, listener);
  }

  /** Continues a loop from saved state (resume). */
  public EpochLoop(DistributedLoss loss, TrainingData data, LoopSettings settings, BigramModel model,
      BigramModel best, Optimizer optimizer, EarlyStopping earlyStopping, List<EpochRecord> history,
      int epochsDone, EpochListener listener) {
    this.loss = loss;
    this.data = data;
    this.settings = settings;
    this.model = model;
    this.best = best;
    this.optimizer = optimizer;
    this.earlyStopping = earlyStopping;
    this.history = new ArrayList<>(history);
    this.epoch = epochsDone;
    this.listener = listener;
  }

  public TrainingResult run() {
    long start = System.nanoTime();
    double floor = data.trainLossFloor();
    boolean monitorValidation = data.validationBigrams() > 0;
    StopReason reason = StopReason.MAX_EPOCHS;
    if (earlyStopping.shouldStop()) {
      reason = StopReason.EARLY_STOPPING;
    }
    while (epoch < settings.maxEpochs() && !earlyStopping.shouldStop()) {
      epoch++;
      long t0 = System.nanoTime();
      double lr = settings.schedule().at(epoch);
      DistributedLoss.Evaluation eval = loss.evaluate(model, true);
      double trainLoss = eval.aggregator().loss() + settings.l2().penalty(model);
      double validationLoss = eval.aggregator().validationLoss();
      double monitored = monitorValidation ? validationLoss : trainLoss;
      boolean runaway = !history.isEmpty() && trainLoss > RUNAWAY_FACTOR * history.get(0).trainLoss();
      boolean diverged = runaway || !Double.isFinite(trainLoss)
          || (monitorValidation && !Double.isFinite(validationLoss));
      boolean improved = !diverged && earlyStopping.record(epoch, monitored);
      if (improved) {
        best.copyFrom(model);
      }
      listener.beforeUpdate(epoch, model);
      long t1 = System.nanoTime();
      double gradNorm = diverged ? Double.NaN : optimizer.step(model, eval.aggregator().gradient(), lr, settings.l2());
      double updateSeconds = (System.nanoTime() - t1) / 1e9;
      diverged |= !Double.isFinite(gradNorm);
      EpochRecord record = new EpochRecord(epoch, trainLoss, validationLoss, lr, gradNorm,
          (System.nanoTime() - t0) / 1e9, status(trainLoss), trainLoss - floor, improved, eval.broadcastBytes(),
          eval.broadcastSeconds(), eval.aggregateSeconds(), eval.resultBytes(), updateSeconds);
      history.add(record);
      log(record, eval);
      if (diverged) {
        reason = StopReason.DIVERGED;
        if (runaway) {
          LOG.warn("Epoch {}: the training loss {} is more than {} times epoch 1's ({}); training diverged. Lower"
              + " train.learning-rate.", epoch, trainLoss, (int) RUNAWAY_FACTOR, history.get(0).trainLoss());
        } else {
          LOG.warn("Epoch {}: loss or gradient is not finite; training diverged. Lower train.learning-rate.", epoch);
        }
        break;
      }
      listener.afterEpoch(record, this);
      if (earlyStopping.shouldStop()) {
        reason = StopReason.EARLY_STOPPING;
      } else if (settings.stopOnConvergence() && settings.convergence().converged(trainLosses())) {
        reason = StopReason.CONVERGED;
        LOG.info("Epoch {}: the training loss converged (mean change over the last {} epochs below {}).", epoch,
            Convergence.WINDOW, settings.convergence().tolerance());
        break;
      }
    }
    return new TrainingResult(best, List.copyOf(history), earlyStopping.bestEpoch(), reason,
        (System.nanoTime() - start) / 1e9);
  }

  private double[] trainLosses() {
    return history.stream().mapToDouble(EpochRecord::trainLoss).toArray();
  }

  /**
   * The exercise's status of an epoch, on the training loss against the previous epoch's. Epoch 1 is
   * "Initial": its row reports the starting parameters and there is no change to classify.
   */
  private String status(double trainLoss) {
    if (history.isEmpty()) return "Initial";
    double previous = history.get(history.size() - 1).trainLoss();
    if (trainLoss < previous - settings.statusThreshold()) return "Improving";
    if (trainLoss > previous + settings.statusThreshold()) return "Degrading";
    return "Stable";
  }

  private void log(EpochRecord r, DistributedLoss.Evaluation eval) {
    LOG.info(String.format(java.util.Locale.ROOT,
        "epoch %d/%d  train %.6f  validation %.6f  floor gap %.6f  lr %.5f  |grad| %.3e  %.3f s"
            + "  (broadcast %.1f MB in %.3f s, aggregate %.3f s, gradient %.1f MB, update %.3f s)%s%s",
        r.epoch(), settings.maxEpochs(), r.trainLoss(), r.validationLoss(), r.floorGap(), r.learningRate(),
        r.gradNorm(), r.seconds(), r.broadcastBytes() / 1e6, r.broadcastSeconds(), r.aggregateSeconds(),
        r.resultBytes() / 1e6, r.updateSeconds(), shippedText(eval), r.best() ? "  *best" : ""));
  }

  /** What executors really fetched and returned, when a {@link ShippingMeter} measured it. */
  private static String shippedText(DistributedLoss.Evaluation eval) {
    ShippingMeter.Shipped s = eval.shipped();
    if (s == null) return "";
    return String.format(java.util.Locale.ROOT,
        "  [shipped: weights %.3f MB to %d executor%s, read in %.3f s; gradient %.3f MB back, fetched in %.3f s]",
        s.broadcastBytes() / 1e6, s.fetchingExecutors(), s.fetchingExecutors() == 1 ? "" : "s",
        eval.weightFetchSeconds(), (s.resultBytes() + s.shuffleBytes()) / 1e6, s.resultFetchSeconds());
  }

  public int epoch() {
    return epoch;
  }

  public BigramModel model() {
    return model;
  }

  public BigramModel best() {
    return best;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  public EarlyStopping earlyStopping() {
    return earlyStopping;
  }

  public List<EpochRecord> history() {
    return List.copyOf(history);
  }
}
