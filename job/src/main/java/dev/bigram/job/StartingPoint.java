package dev.bigram.job;

import dev.bigram.config.TrainerConfig;
import dev.bigram.data.TrainingData;
import dev.bigram.model.BigramModel;
import dev.bigram.model.SparsePairs;
import dev.bigram.optim.Optimizer;
import dev.bigram.optim.OptimizerState;
import dev.bigram.output.CheckpointStore;
import dev.bigram.output.OutputException;
import dev.bigram.output.PublishedRun;
import dev.bigram.train.CheckpointedState;
import dev.bigram.train.DistributedLoss;
import dev.bigram.train.EpochListener;
import dev.bigram.train.EpochLoop;
import dev.bigram.train.InitialBias;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run's epoch loop starts: the run's last checkpoint ({@code --resume}), a published model matched by
 * word ({@code --init-from}), or random weights. It is chosen before the data pass, so that a changed
 * configuration or a missing model fails at once, and built after it.
 */
final class StartingPoint {
  private static final Logger LOG = LoggerFactory.getLogger(StartingPoint.class);

  private final Resume.Point resumed;
  private final PublishedRun initFrom;
  private final String initFromArgument;
  /** The starting bias of {@code model.init-bias}, computed by the first {@link #build} (L2 trials share it). */
  private float[] initialBias;
  private boolean initialBiasComputed;
  /** The sparse model's pairs, gathered by the first {@link #build} of a sparse run (L2 trials share them). */
  private SparsePairs pairs;
  /**
   * What {@code --init-from} carried over (its word counts, no model): the summary of every L2 trial reports it,
   * the later trials' too, which start from an earlier trial's model and so from the published one.
   */
  private WarmStart.Result carried;

  /** The epoch loop, the listener writing its checkpoints, and the summary fields of how it started. */
  record Start(EpochLoop loop, Checkpointing checkpointing, Map<String, Object> summary) {}

  private StartingPoint(Resume.Point resumed, PublishedRun initFrom, String initFromArgument) {
    this.resumed = resumed;
    this.initFrom = initFrom;
    this.initFromArgument = initFromArgument;
  }

  /**
   * With {@code --resume}, the last checkpoint if there is one (refused when the settings changed); otherwise,
   * with {@code --init-from}, the published run (none while {@code LATEST} does not exist yet).
   */
  static StartingPoint choose(SparkSession spark, TrainerConfig config, TrainJob.RunOptions options,
      CheckpointStore checkpoints, Map<String, String> settings) {
    Resume.Point resumed = null;
    if (options.resume()) {
      // A run of the L2 search keeps its checkpoints per trial: the trials resume each from its own (Fit).
      resumed = (hasTrials(checkpoints)
          ? Resume.loadIfAny(checkpoints, options.runId(), settings, options.initFrom())
          : Resume.load(checkpoints, options.runId(), settings, options.initFrom())).orElse(null);
    }
    PublishedRun initFrom = resumed == null && options.initFrom() != null
        ? WarmStart.open(spark, options.initFrom(), config.outputDir()).orElse(null) : null;
    return new StartingPoint(resumed, initFrom, options.initFrom());
  }

  private static boolean hasTrials(CheckpointStore checkpoints) {
    try {
      return checkpoints.fileSystem().exists(new org.apache.hadoop.fs.Path(checkpoints.dir(),
          SearchCheckpoints.TRIALS));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Whether a run-level checkpoint was loaded ({@code --resume} of a run trained at a fixed L2). */
  boolean isResumed() {
    return resumed != null;
  }

  /** Whether training starts from a trained model: a warm start, or the resume of one. */
  boolean isWarm() {
    if (resumed != null) return resumed.checkpoint().start().get("init_from") != null;
    return initFrom != null;
  }

  String describe() {
    if (resumed != null) return "resuming after epoch " + resumed.checkpoint().epoch();
    if (initFrom != null) return "warm start from " + initFrom.dir();
    return "cold start";
  }

  /** A resumed run must find the data its checkpoint was trained on ({@link DataFingerprint}). */
  void checkData(Map<String, Object> dataPrint, List<String> inputs) {
    if (resumed != null) Resume.checkData(resumed.checkpoint(), dataPrint, inputs);
  }

  /**
   * The loop; {@code also} listens to it beside the checkpoints (the analysis' pair tracer), and its state is
   * checkpointed and restored with the loop's when it has some ({@link CheckpointedState}).
   */
  Start build(TrainerConfig config, TrainingData data, DistributedLoss loss, EpochLoop.LoopSettings loopSettings,
      CheckpointStore checkpoints, Map<String, String> settings, Map<String, Object> dataPrint,
      EpochListener also) {
    return build(config, data, loss, loopSettings, checkpoints, settings, dataPrint, also, resumed, null, null);
  }

  /**
   * As above, for one trial of the L2 search: continuing from {@code resumed} (the trial's own checkpoint) when it
   * is not null, else starting from {@code from} (the best trial's model) and the optimizer state
   * {@code fromState} when they are not null. The loop takes those two over: it trains their arrays in place.
   */
  Start build(TrainerConfig config, TrainingData data, DistributedLoss loss, EpochLoop.LoopSettings loopSettings,
      CheckpointStore checkpoints, Map<String, String> settings, Map<String, Object> dataPrint,
      EpochListener also, Resume.Point resumed, BigramModel from, OptimizerState fromState) {
    int v = data.vocab().size();
    List<CheckpointedState> states = also instanceof CheckpointedState s ? List.of(s) : List.of();
    if (resumed != null) {
      BigramModel saved = resumed.checkpoint().model();
      if (saved.isSparse() != config.sparseFor(v)) {
        throw new OutputException("--resume: the checkpoint of epoch " + resumed.checkpoint().epoch() + " holds a "
            + (saved.isSparse() ? "sparse" : "dense") + " model, model.weights now gives a "
            + (saved.isSparse() ? "dense" : "sparse") + " one: restore model.weights, or start a new run");
      }
      // The checkpoint's model keeps its own rank: model.rank is among the settings a checkpoint resumes only
      // with, and one written before the key existed trained without the term, as it goes on to.
      Optimizer optimizer = Optimizer.create(config.optimizer(), saved.numWeights(), v, config.bias());
      Map<String, Object> summary = new LinkedHashMap<>(resumed.checkpoint().start());
      summary.put("resumed_from_epoch", resumed.checkpoint().epoch());
      Checkpointing checkpointing = new Checkpointing(checkpoints, config.checkpointEvery(), settings, dataPrint,
          resumed.checkpoint().start(), states, resumed.saved());
      return new Start(Resume.loop(resumed.checkpoint(), loss, data, loopSettings, optimizer,
          EpochListener.all(checkpointing, also), states), checkpointing, summary);
    }
    BigramModel initial;
    if (from != null) {
      initial = from; // a warm trial: its source's arrays, handed over (Fit keeps the source on disk)
    } else if (config.sparseFor(v)) {
      if (pairs == null) pairs = data.trainingPairs(config.pairMinCount());
      initial = BigramModel.initialize(pairs, config.bias(), config.initStddev(), config.seed());
    } else {
      initial = BigramModel.initialize(v, config.bias(), config.initStddev(), config.seed(),
          config.rankFor(v, data.trainBigrams()));
    }
    Optimizer optimizer = from != null && fromState != null
        ? Optimizer.adopting(config.optimizer(), fromState, initial.numWeights(), v, config.bias())
        : Optimizer.create(config.optimizer(), initial.numWeights(), v, config.bias());
    WarmStart.Result warm = null;
    if (from != null) {
      warm = carried;
    } else {
      if (!initialBiasComputed) {
        initialBias = InitialBias.compute(config.initBias(), data);
        initialBiasComputed = true;
      }
      InitialBias.apply(initialBias, initial);
      if (initFrom != null) {
        warm = WarmStart.carryOver(initFrom.model(), initial.rank() > 0 ? initFrom.factors() : null,
            initFrom.vocabulary(), initial, data.vocab());
        LOG.info("Warm start from {}: {} of {} words carried over, {} new, {} dropped{}", initFrom.dir(),
            warm.carriedOver(), v, warm.newWords(), warm.droppedWords(),
            warm.factorsCarried() ? "; the low-rank factors too" : "");
        carried = new WarmStart.Result(null, warm.carriedOver(), warm.newWords(), warm.droppedWords(),
            warm.factorsCarried());
      }
    }
    Map<String, Object> start = WarmStart.summary(initFromArgument, initFrom == null ? null : initFrom.dir(), warm);
    Checkpointing checkpointing = new Checkpointing(checkpoints, config.checkpointEvery(), settings, dataPrint,
        start, states, null);
    Map<String, Object> summary = new LinkedHashMap<>(start);
    summary.put("resumed_from_epoch", null);
    return new Start(new EpochLoop(loss, data, loopSettings, initial, optimizer,
        EpochListener.all(checkpointing, also)), checkpointing, summary);
  }
}
