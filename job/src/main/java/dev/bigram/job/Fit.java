package dev.bigram.job;

import dev.bigram.analysis.RunAnalysis;
import dev.bigram.config.TrainerConfig;
import dev.bigram.data.TrainingData;
import dev.bigram.model.BigramModel;
import dev.bigram.model.LowRank;
import dev.bigram.optim.Convergence;
import dev.bigram.optim.L2;
import dev.bigram.optim.LearningRateSchedule;
import dev.bigram.optim.OptimizerState;
import dev.bigram.output.CheckpointStore;
import dev.bigram.output.TrialSpill;
import dev.bigram.train.Checkpoint;
import dev.bigram.train.CheckpointedState;
import dev.bigram.train.DistributedLoss;
import dev.bigram.train.EpochLoop;
import dev.bigram.train.TrainingResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fit step of a run: one training at the configured L2, or, with {@code train.l2 = auto}, the
 * {@link L2Search}'s trainings, each from the same starting point; the chosen one is the run's model.
 *
 * @param result the chosen training
 * @param l2 its L2 strength
 * @param search the search's outcome, null when L2 was fixed
 * @param analysis the analysis that listened to the chosen training (its pair trace)
 * @param start how the chosen training started (checkpoints kept, summary fields)
 * @param settings its loop settings
 * @param factors its model's low-rank factors, kept when the term is folded into its {@code W}; null without
 */
public record Fit(TrainingResult result, double l2, L2Search.Outcome search, RunAnalysis analysis,
    StartingPoint.Start start, EpochLoop.LoopSettings settings, LowRank.Factors factors) {
  private static final Logger LOG = LoggerFactory.getLogger(Fit.class);

  /**
   * Everything a fit needs besides the configuration: the data, the loss, where to start and to checkpoint, and
   * the driver's scratch directory ({@link TrialSpill}).
   */
  record Context(TrainerConfig config, TrainJob.RunOptions options, TrainingData data, DistributedLoss loss,
      StartingPoint from, CheckpointStore checkpoints, Map<String, String> settings, Map<String, Object> dataPrint,
      java.nio.file.Path scratch) {}

  static Fit run(Context cx) {
    // Folded once the training's loop, and the search with it, are gone, and the gradient buffer too: the fold's
    // new V x V array then takes the place of their arrays instead of coming on top of them.
    Fit f = fit(cx);
    cx.loss().releaseGradientBuffer();
    return f.folded();
  }

  private static Fit fit(Context cx) {
    TrainerConfig config = cx.config();
    boolean search = config.l2Auto() && cx.data().validationBigrams() > 0 && !cx.from().isResumed();
    if (config.l2Auto() && !search) {
      if (cx.from().isResumed()) {
        LOG.warn("train.l2 = auto: this checkpoint was written before the L2 search kept its state; it continues"
            + " without L2");
      } else {
        LOG.warn("train.l2 = auto needs validation data to choose by; training without L2");
      }
    }
    if (!search) {
      double l2 = config.l2Auto() ? 0.0 : config.l2();
      Trained t = train(cx, l2, cx.checkpoints(), null, null);
      return new Fit(t.result(), l2, null, t.analysis(), t.start(), t.settings(), null);
    }
    try (Search s = new Search(cx)) {
      return s.run();
    }
  }

  /**
   * This fit with its model's low-rank term folded into {@code W} ({@link BigramModel#folded()}): what is scored
   * against the published run, analyzed and published, the same logits as training scored. The factors are kept
   * beside it, for the run's {@code factors/} table.
   */
  private Fit folded() {
    BigramModel m = result.bestModel();
    if (m == null || m.rank() == 0) return this;
    TrainingResult r = new TrainingResult(m.folded(), result.history(), result.bestEpoch(), result.stopReason(),
        result.seconds());
    return new Fit(r, l2, search, analysis, start, settings, m.factors());
  }

  /**
   * One training at an L2: its result, the analysis that listened to it, how it started, and its loop; or, once
   * it is kept as the search's best trial, its optimizer's state for the next trials instead of the loop; or,
   * once parked ({@link Search}), neither, and a result without its model (null), which is on disk.
   */
  private record Trained(TrainingResult result, RunAnalysis analysis, StartingPoint.Start start,
      EpochLoop.LoopSettings settings, EpochLoop loop, OptimizerState carried) {}

  /**
   * Where a later trial of the search starts: the best trial so far, its best model, and its optimizer's state
   * at its end without the first moments ({@link OptimizerState#withoutMeans}).
   */
  private record Source(double l2, BigramModel model, OptimizerState state) {}

  /**
   * One training at {@code l2}: from {@code resumed} when it is not null (its own checkpoint), else from
   * {@code source} when it is not null (a warm trial of the search), else from the run's starting point. Every
   * training's schedule starts at {@code train.learning-rate}.
   */
  private static Trained train(Context cx, double l2, CheckpointStore store, Resume.Point resumed, Source source) {
    RunAnalysis analysis = RunAnalysis.prepare(cx.config().analysis(), cx.config().tokenizer(), cx.data());
    EpochLoop.LoopSettings loopSettings = loopSettings(cx.config(), l2);
    // Neither: the run's own starting point, which is the run-level checkpoint on --resume of a fixed L2.
    StartingPoint.Start start = resumed == null && source == null
        ? cx.from().build(cx.config(), cx.data(), cx.loss(), loopSettings, store, cx.settings(), cx.dataPrint(),
            analysis.tracer())
        : cx.from().build(cx.config(), cx.data(), cx.loss(), loopSettings, store, cx.settings(), cx.dataPrint(),
            analysis.tracer(), resumed, source == null ? null : source.model(),
            source == null ? null : source.state());
    TrainingResult r = start.loop().run();
    return new Trained(r, analysis, new StartingPoint.Start(null, start.checkpointing(), start.summary()),
        loopSettings, start.loop(), null);
  }

  /**
   * {@code train.l2 = auto}, resumable: each trial checkpoints into its own directory ({@link SearchCheckpoints}),
   * a trial that ended before a resume is recalled instead of trained again, and only the best trial so far is
   * kept (the loop of any other is dropped: it holds V x V matrices).
   *
   * <p>The best trial's model and optimizer state stay in memory until the next trial starts. That trial takes
   * their arrays over, and they are parked on the driver's disk first ({@link TrialSpill}): so the driver holds one
   * training's matrices at a time, never a second model and second moments beside them. The parked copy is read
   * back when the new trial does no better, for the trial after it or for publication.
   */
  private static final class Search implements AutoCloseable {
    private final Context cx;
    private final SearchCheckpoints saved;
    private int trials;
    private int bestIndex;
    private double bestScore = Double.POSITIVE_INFINITY;
    private double bestL2;
    /** The best trial so far; null when it was recalled from a checkpoint ({@code --resume}). */
    private Trained best;
    /** Whether the best trial's model and optimizer state are parked (a later trial took over their arrays). */
    private boolean bestParked;
    /** The sparse model's pairs of the parked trial (null for a dense model). */
    private dev.bigram.model.SparsePairs parkedPairs;
    private final TrialSpill parked;
    /** The trial that diverged, which ends the search and the run. */
    private Trained diverged;

    Search(Context cx) {
      this.cx = cx;
      this.parked = new TrialSpill(cx.scratch(), cx.options().runId());
      this.saved = new SearchCheckpoints(cx.checkpoints().fileSystem(), cx.checkpoints().dir(),
          cx.config().checkpointEvery() > 0);
    }

    Fit run() {
      L2Search.Outcome outcome = L2Search.run(cx.data(), this::trial);
      if (diverged != null) {
        return new Fit(diverged.result(), outcome.l2(), outcome, diverged.analysis(), diverged.start(),
            diverged.settings(), null);
      }
      if (best != null && best.settings().l2().strength() == outcome.l2()) {
        TrainingResult r = best.result();
        if (bestParked) {
          r = new TrainingResult(readParked(false).model(), r.history(), r.bestEpoch(), r.stopReason(),
              r.seconds());
        }
        return new Fit(r, outcome.l2(), outcome, best.analysis(), best.start(), best.settings(), null);
      }
      // The chosen trial ended before this attempt: its model, history and pair trace come from its checkpoint.
      SearchCheckpoints.Recalled r = saved.best(bestIndex);
      RunAnalysis analysis = RunAnalysis.prepare(cx.config().analysis(), cx.config().tokenizer(), cx.data());
      if (analysis.tracer() instanceof CheckpointedState s && r.state().listeners().containsKey(s.stateName())) {
        s.restoreState(r.state().listeners().get(s.stateName()));
      }
      Map<String, Object> summary = new LinkedHashMap<>(r.state().start());
      summary.put("resumed_from_epoch", null);
      return new Fit(r.result(), outcome.l2(), outcome, analysis, new StartingPoint.Start(null, null, summary),
          loopSettings(cx.config(), outcome.l2()), null);
    }

    private L2Search.Trial trial(double l2) {
      int n = ++trials;
      Optional<L2Search.Trial> recalled = cx.options().resume() ? saved.recall(n, l2) : Optional.empty();
      if (recalled.isPresent()) {
        LOG.info("--resume: L2 trial {} (l2 = {}) ended before; its result is recalled", n, l2);
        note(n, recalled.get(), null);
        return recalled.get();
      }
      CheckpointStore store = saved.store(n);
      Resume.Point resumed = cx.options().resume() ? Resume.loadIfAny(store, cx.options().runId(), cx.settings(),
          cx.options().initFrom()).orElse(null) : null;
      if (resumed != null) Resume.checkData(resumed.checkpoint(), cx.dataPrint(), cx.config().inputPaths());
      // A resumed trial continues from its own checkpoint; a new one starts from the best trial so far.
      Double startedFrom = bestIndex == 0 ? null : bestL2;
      Source source = resumed == null ? source() : null;
      if (source != null) {
        LOG.info(String.format(Locale.ROOT, "L2 trial %d (l2 = %.3g) starts from the model of l2 = %.3g", n, l2,
            source.l2()));
      }
      Trained t = train(cx, l2, store, resumed, source);
      L2Search.Trial trial = L2Search.Trial.of(l2, t.result(), startedFrom);
      boolean isBest = note(n, trial, t);
      if (trial.diverged()) {
        diverged = t;
      } else {
        saved.ended(n, trial, t.result(), isBest ? Checkpoint.of(t.loop(), cx.settings(), cx.dataPrint(),
            t.start().summary(), states(t)) : null, isBest);
      }
      Trained kept = best == t ? new Trained(t.result(), t.analysis(), t.start(), t.settings(), null,
          t.loop().optimizer().state().withoutMeans()) : null;
      if (kept != null) best = kept;
      return trial;
    }

    @Override
    public void close() {
      parked.close();
    }

    /**
     * Where the next trial starts: null for the first, else the best trial so far (from memory, or from its saved
     * state when it ended before a resume). The search is a function of the trials' results, so a resumed run
     * starts each trial from the same source as the first attempt did. The source's arrays are the new trial's:
     * a best trial still in memory is parked first, and a parked one is read into fresh arrays.
     */
    private Source source() {
      if (bestIndex == 0) return null;
      if (best != null && !bestParked) {
        BigramModel model = best.result().bestModel();
        parked.write(model, best.carried());
        parkedPairs = model.isSparse() ? model.pairs() : null;
        bestParked = true;
        Source handed = new Source(bestL2, model, best.carried());
        TrainingResult r = best.result();
        // Only the record stays: the arrays are the new trial's now.
        best = new Trained(new TrainingResult(null, r.history(), r.bestEpoch(), r.stopReason(), r.seconds()),
            best.analysis(), best.start(), best.settings(), null, null);
        return handed;
      }
      if (best != null) {
        TrialSpill.Parked p = readParked(true);
        return new Source(bestL2, p.model(), p.state());
      }
      SearchCheckpoints.Recalled r = saved.best(bestIndex);
      return new Source(bestL2, r.result().bestModel(), r.state().optimizerState().withoutMeans());
    }

    /**
     * The parked trial, in fresh arrays. The trial that just ended did worse, and its arrays (a model, its best
     * epoch's copy, the optimizer's moments: 1.6 GB at V = 10,000 with Adam) are garbage now; collected first, so
     * that the JVM reuses their memory rather than growing its heap by as much (at V = 10,000 on a cluster the
     * driver's peak RSS rose from 2.9 to 4.0 GB at these reads, docs/benchmark-history.md, 2026-12-02). Spark's
     * own cleaner asks for a collection the same way.
     */
    private TrialSpill.Parked readParked(boolean withState) {
      System.gc();
      return parked.read(parkedPairs, withState);
    }

    /** Keeps the first trial with the lowest validation loss (the one the search chooses). */
    private boolean note(int n, L2Search.Trial trial, Trained trained) {
      if (n > 1 && !(trial.score() < bestScore)) return false;
      bestScore = trial.score();
      bestIndex = n;
      bestL2 = trial.l2();
      best = trained;
      if (bestParked) parked.close();
      bestParked = false;
      return true;
    }

    private static List<CheckpointedState> states(Trained t) {
      return t.analysis().tracer() instanceof CheckpointedState s ? List.of(s) : List.of();
    }
  }

  /** The loop settings of {@code config} with its fixed L2 strength. */
  public static EpochLoop.LoopSettings loopSettings(TrainerConfig config) {
    return loopSettings(config, config.l2());
  }

  /** The loop settings of {@code config} with the given L2 strength ({@code train.l2 = auto} tries several). */
  public static EpochLoop.LoopSettings loopSettings(TrainerConfig config, double l2) {
    return new EpochLoop.LoopSettings(
        new LearningRateSchedule(config.learningRate(), config.decay(), config.minLearningRate()),
        config.maxEpochs(), new L2(l2, l2 * config.rankL2()), config.patience(), config.minDelta(),
        config.analysis().statusThreshold(), new Convergence(config.analysis().convergenceTolerance()),
        config.stopOnConvergence());
  }
}
