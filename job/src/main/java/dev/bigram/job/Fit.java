package dev.bigram.job;

import dev.bigram.analysis.RunAnalysis;
import dev.bigram.config.TrainerConfig;
import dev.bigram.data.TrainingData;
import dev.bigram.optim.Convergence;
import dev.bigram.optim.L2;
import dev.bigram.optim.LearningRateSchedule;
import dev.bigram.output.CheckpointStore;
import dev.bigram.train.DistributedLoss;
import dev.bigram.train.EpochLoop;
import dev.bigram.train.TrainingResult;
import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleFunction;
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
 */
public record Fit(TrainingResult result, double l2, L2Search.Outcome search, RunAnalysis analysis,
    StartingPoint.Start start, EpochLoop.LoopSettings settings) {
  private static final Logger LOG = LoggerFactory.getLogger(Fit.class);

  /** What the rest of the job needs of one training, without its loop (the loop holds V x V matrices). */
  private record Trial(RunAnalysis analysis, StartingPoint.Start start, EpochLoop.LoopSettings settings) {}

  static Fit run(TrainerConfig config, TrainJob.RunOptions options, TrainingData data, DistributedLoss loss,
      StartingPoint from, CheckpointStore checkpoints, Map<String, String> settings, Map<String, Object> dataPrint) {
    Map<Double, Trial> trials = new HashMap<>();
    DoubleFunction<TrainingResult> trainWithL2 = l2 -> {
      RunAnalysis analysis = RunAnalysis.prepare(config.analysis(), config.tokenizer(), data);
      EpochLoop.LoopSettings loopSettings = loopSettings(config, l2);
      StartingPoint.Start start = from.build(config, data, loss, loopSettings, checkpoints, settings, dataPrint,
          analysis.tracer());
      TrainingResult r = start.loop().run();
      trials.put(l2, new Trial(analysis, new StartingPoint.Start(null, start.checkpointing(), start.summary()),
          loopSettings));
      return r;
    };
    boolean searchL2 = config.l2Auto() && data.validationBigrams() > 0 && !options.resume();
    if (config.l2Auto() && !searchL2) {
      LOG.warn("train.l2 = auto needs validation data to choose by and a fresh run (no --resume); training"
          + " without L2");
    }
    L2Search.Outcome search = searchL2 ? L2Search.run(data, trainWithL2) : null;
    double l2 = search != null ? search.l2() : config.l2();
    TrainingResult result = search != null ? search.result() : trainWithL2.apply(l2);
    Trial chosen = trials.get(l2);
    return new Fit(result, l2, search, chosen.analysis(), chosen.start(), chosen.settings());
  }

  /** The loop settings of {@code config} with its fixed L2 strength. */
  public static EpochLoop.LoopSettings loopSettings(TrainerConfig config) {
    return loopSettings(config, config.l2());
  }

  /** The loop settings of {@code config} with the given L2 strength ({@code train.l2 = auto} tries several). */
  public static EpochLoop.LoopSettings loopSettings(TrainerConfig config, double l2) {
    return new EpochLoop.LoopSettings(
        new LearningRateSchedule(config.learningRate(), config.decay(), config.minLearningRate()),
        config.maxEpochs(), new L2(l2), config.patience(), config.minDelta(),
        config.analysis().statusThreshold(), new Convergence(config.analysis().convergenceTolerance()),
        config.stopOnConvergence());
  }
}
