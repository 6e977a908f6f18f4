package dev.bigram.job;

import dev.bigram.data.TrainingData;
import dev.bigram.optim.StopReason;
import dev.bigram.train.TrainingResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code train.l2 = auto}: picks the L2 strength by the validation loss of whole training runs.
 *
 * <p>The scale of a useful L2 is set by the data: the loss is a mean over {@code N} training bigrams, so
 * {@code l2 = 1/N} is a Gaussian prior of variance 1 on every weight. The search starts there and walks a
 * ladder of factors of {@link #FACTOR}: up while the validation loss improves, else down while it improves,
 * at most {@link #MAX_TRIALS} rungs; then it tries the geometric midpoint between the best rung and its
 * better neighbour. Each trial is a run of the epoch loop with early stopping on the validation loss; the
 * published model and history are the best trial's.
 *
 * <p>Only the first trial starts cold. Every later one starts from the best trial so far: its best model and
 * its optimizer's second moments ({@code Fit}), with the schedule at {@code train.learning-rate}. The trials'
 * optima lie close together (their L2 strengths differ by a factor of 2 to 4), so a warm trial needs a fraction
 * of a cold one's epochs: on {@code sample-data/} the five trials took 571 epochs cold, three times the
 * published trial's 186, and take 79 warm, against 42 for one cold training at the chosen L2.
 */
public final class L2Search {
  private static final Logger LOG = LoggerFactory.getLogger(L2Search.class);
  static final double START_TIMES_N = 1.0;
  static final double FACTOR = 4.0;
  static final int MAX_TRIALS = 6;

  /**
   * One training of the search: its L2, the best validation loss it reached, its epochs and seconds, whether it
   * diverged (which ends the search: that is the learning rate's fault, not the L2's), and the L2 of the trial
   * whose model it started from (null for the first, which starts cold).
   */
  public record Trial(double l2, double validationLoss, int epochs, double seconds, boolean diverged,
      Double startedFrom) {
    public static Trial of(double l2, TrainingResult r, Double startedFrom) {
      return new Trial(l2, r.bestRecord().validationLoss(), r.history().size(), r.seconds(),
          r.stopReason() == StopReason.DIVERGED, startedFrom);
    }

    /** What the search compares: the validation loss, with a non-finite one worst of all. */
    double score() {
      return Double.isFinite(validationLoss) ? validationLoss : Double.POSITIVE_INFINITY;
    }
  }

  /** The chosen L2 and every trial, in the order run. */
  public record Outcome(double l2, List<Trial> trials) {
    public Map<String, Object> summaryFields() {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("l2", l2);
      s.put("l2_auto", true);
      List<Map<String, Object>> list = new ArrayList<>();
      for (Trial t : trials) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("l2", t.l2());
        m.put("best_validation_loss", t.validationLoss());
        m.put("epochs", t.epochs());
        m.put("seconds", t.seconds());
        m.put("started_from_l2", t.startedFrom());
        list.add(m);
      }
      s.put("l2_trials", list);
      s.put("l2_search_epochs", trials.stream().mapToInt(Trial::epochs).sum());
      return s;
    }
  }

  private L2Search() {}

  /**
   * @param train trains with a given L2 from the starting point (or recalls a training done before a resume)
   */
  public static Outcome run(TrainingData data, DoubleFunction<Trial> train) {
    Search search = new Search(train);
    try {
      return search(data, search);
    } catch (Diverged d) {
      LOG.warn(String.format(Locale.ROOT, "L2 search: stopped, training with l2 = %.3g diverged", d.l2));
      return new Outcome(d.l2, List.copyOf(search.trials));
    }
  }

  private static Outcome search(TrainingData data, Search search) {
    double start = START_TIMES_N / data.trainBigrams();
    double best = start;
    double bestLoss = search.score(start);
    double up = start * FACTOR;
    double upLoss = search.score(up);
    double direction = upLoss < bestLoss ? FACTOR : 1.0 / FACTOR;
    if (upLoss < bestLoss) {
      best = up;
      bestLoss = upLoss;
    }
    double next = best * direction;
    while (search.trials.size() < MAX_TRIALS) {
      double loss = search.score(next);
      if (loss >= bestLoss) break;
      best = next;
      bestLoss = loss;
      next = best * direction;
    }
    // Refine between the best rung and its better neighbour.
    Double below = search.losses.lowerKey(best);
    Double above = search.losses.higherKey(best);
    double neighbour;
    if (below == null) {
      neighbour = above;
    } else if (above == null) {
      neighbour = below;
    } else {
      neighbour = search.losses.get(below) <= search.losses.get(above) ? below : above;
    }
    search.score(Math.sqrt(best * neighbour));
    LOG.info(String.format(Locale.ROOT, "L2 search: chose l2 = %.3g after %d trials", search.bestL2,
        search.trials.size()));
    return new Outcome(search.bestL2, List.copyOf(search.trials));
  }

  /** The trials so far, and the first one with the lowest validation loss. */
  private static final class Search {
    final DoubleFunction<Trial> train;
    final TreeMap<Double, Double> losses = new TreeMap<>();
    final List<Trial> trials = new ArrayList<>();
    double bestL2;
    double bestLoss = Double.POSITIVE_INFINITY;

    Search(DoubleFunction<Trial> train) {
      this.train = train;
    }

    double score(double l2) {
      Double known = losses.get(l2);
      if (known != null) return known;
      Trial t = train.apply(l2);
      double loss = t.score();
      losses.put(l2, loss);
      trials.add(t);
      LOG.info(String.format(Locale.ROOT, "L2 search: l2 = %.3g gives validation loss %.6f after %d epochs", l2,
          t.validationLoss(), t.epochs()));
      if (trials.size() == 1 || loss < bestLoss) {
        bestL2 = l2;
        bestLoss = loss;
      }
      if (t.diverged()) throw new Diverged(l2);
      return loss;
    }
  }

  /** Ends the search at the first diverging training. */
  private static final class Diverged extends RuntimeException {
    final double l2;

    Diverged(double l2) {
      super(null, null, false, false);
      this.l2 = l2;
    }
  }
}
