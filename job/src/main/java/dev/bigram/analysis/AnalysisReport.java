package dev.bigram.analysis;

import dev.bigram.config.AnalysisSettings;
import dev.bigram.config.WordPair;
import dev.bigram.optim.Convergence;
import dev.bigram.train.EpochRecord;
import dev.bigram.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * {@code report.md}: a short Markdown report of a run for people, in the classroom exercise's order (docs/design.md): the learning journey
 * and convergence insights, the learning curve, the top predictions of frequent words, the association
 * matrix, how traced relationships strengthened epoch by epoch, and the expected-pattern checks.
 */
public final class AnalysisReport {
  public static final String NAME = "report.md";
  /** Long histories and traces are sampled down to about this many epochs (first, best and last kept). */
  static final int MAX_EPOCH_ROWS = 12;
  /** Matrix cells below this print as a dot. */
  static final double MATRIX_SHOWN = 0.01;

  private AnalysisReport() {}

  public static String markdown(String runId, TrainingResult result, double floor, Convergence convergence,
      Findings f, AnalysisSettings settings) {
    StringBuilder md = new StringBuilder();
    List<EpochRecord> h = result.history();
    EpochRecord first = h.get(0);
    EpochRecord last = result.last();
    EpochRecord best = result.bestRecord();
    double[] losses = h.stream().mapToDouble(EpochRecord::trainLoss).toArray();

    md.append("# What the model learned: run ").append(text(runId)).append("\n\n");
    md.append(String.format(Locale.ROOT, "Trained %d epochs; stopped by **%s**. The training loss went from %.4f (epoch %d, the starting"
        + " model) to %.4f (epoch %d); the floor, the lowest loss any model can reach on these counts, is %.4f."
        + " The published model is epoch %d's.%n%n", h.size(), result.stopReason().label(), first.trainLoss(),
        first.epoch(), last.trainLoss(), last.epoch(), floor, best.epoch()));

    md.append("## Convergence insights\n\n| measure | value |\n| --- | --- |\n");
    double total = first.trainLoss() - last.trainLoss();
    row(md, "stop reason", result.stopReason().label());
    row(md, "epochs run", String.valueOf(h.size()));
    row(md, "best epoch", String.format(Locale.ROOT, "%d (training loss %.4f, validation loss %s)", best.epoch(), best.trainLoss(),
        number(best.validationLoss())));
    row(md, "total improvement", String.format(Locale.ROOT, "%.4f", total));
    row(md, "average improvement per epoch", String.format(Locale.ROOT, "%.4f", h.size() > 1 ? total / (h.size() - 1) : 0.0));
    double recent = Convergence.meanRecentChange(losses);
    row(md, "converged", (convergence.converged(losses) ? "yes" : "no") + String.format(Locale.ROOT, ": mean absolute loss change over the"
        + " last %d epochs %s (tolerance %s)", Convergence.WINDOW, small(recent), convergence.tolerance()));
    OptionalInt at = convergence.firstConvergedEpoch(losses);
    row(md, "first converged at epoch", at.isPresent() ? String.valueOf(at.getAsInt()) : "never");
    row(md, "gap to the floor at the best epoch", String.format(Locale.ROOT, "%.4f", best.floorGap()));
    md.append('\n');
    md.append("![Learning curve: training and validation loss, floor, learning rate, best epoch and stopping"
        + " point](").append(LearningCurveChart.PNG_NAME).append(")\n\n");

    md.append("## Learning journey\n\n")
        .append(String.format(Locale.ROOT, "Status compares each epoch's training loss with the previous one: beyond +-%s it is Improving"
            + " or Degrading, within it Stable; epoch 1 is the starting model (Initial).%n%n",
            settings.statusThreshold()))
        .append(shownNote(h.size()))
        .append("| epoch | training loss | validation loss | learning rate | status |\n| ---: | ---: | ---: | ---: | --- |\n");
    for (int i : sample(h.size(), best.epoch() - first.epoch())) {
      EpochRecord r = h.get(i);
      md.append(String.format(Locale.ROOT, "| %d | %.4f | %s | %s | %s |%n", r.epoch(), r.trainLoss(), number(r.validationLoss()),
          small(r.learningRate()), r.status() + (r.epoch() == best.epoch() ? " (best)" : "")));
    }
    md.append('\n');

    predictions(md, f, settings);
    matrix(md, f.matrix());
    trace(md, f, h, best.epoch());
    expectations(md, f);
    return md.toString();
  }

  private static void predictions(StringBuilder md, Findings f, AnalysisSettings settings) {
    md.append("## Top predictions for frequent words\n\n");
    if (f.contexts().isEmpty()) {
      md.append("No context word was analysed (analysis.words = 0).\n\n");
      return;
    }
    md.append(String.format(Locale.ROOT, "For the %d most frequent context words, the next words the model predicts above %s, best first"
        + " (strong > 0.4, clear > 0.25, else weak). The same rows are in `patterns/`. They are the model's own"
        + " ranking: `<unk>` (every rare word at once) and the sentence markers stay in, where `predict` leaves them"
        + " out unless `--include-unk`.%n%n", f.contexts().size(),
        settings.minProbability()));
    md.append("| after | seen | predictions |\n| --- | ---: | --- |\n");
    for (int rank = 1; rank <= f.contexts().size(); rank++) {
      ContextWord c = f.contexts().get(rank - 1);
      List<String> cells = new ArrayList<>();
      for (LearnedPattern p : f.patterns()) {
        if (p.contextRank() == rank) {
          cells.add(String.format(Locale.ROOT, "%s %.3f (%s)", text(p.next()), p.probability(), p.strength().label()));
        }
      }
      md.append("| ").append(text(c.word())).append(" | ").append(c.count()).append(" | ")
          .append(cells.isEmpty() ? "none above " + settings.minProbability() : String.join(", ", cells))
          .append(" |\n");
    }
    md.append('\n');
  }

  private static void matrix(StringBuilder md, AssociationMatrix m) {
    if (m.words().isEmpty()) return;
    md.append("## Association matrix\n\n")
        .append("The exercise's knowledge matrix, as probabilities: row = previous word, column = next word,")
        .append(String.format(Locale.ROOT, " cell = p(column | row); a dot is below %s, bold is strong (> 0.4).%n%n", MATRIX_SHOWN));
    md.append("| after \\ next |");
    for (String w : m.words()) md.append(' ').append(text(w)).append(" |");
    md.append("\n| --- |");
    for (int j = 0; j < m.words().size(); j++) md.append(" ---: |");
    md.append('\n');
    for (int i = 0; i < m.words().size(); i++) {
      md.append("| ").append(text(m.words().get(i))).append(" |");
      for (int j = 0; j < m.words().size(); j++) {
        double p = m.probabilities()[i][j];
        String cell = p < MATRIX_SHOWN ? "." : String.format(Locale.ROOT, "%.2f", p);
        md.append(' ').append(Strength.of(p) == Strength.STRONG ? "**" + cell + "**" : cell).append(" |");
      }
      md.append('\n');
    }
    md.append('\n');
  }

  private static void trace(StringBuilder md, Findings f, List<EpochRecord> h, int bestEpoch) {
    md.append("## How relationships strengthened, epoch by epoch\n\n");
    if (f.traced().isEmpty()) {
      md.append("No pair was traced.\n\n");
      return;
    }
    md.append("p(next after prev) under each epoch's parameters; all epochs are in `pair_trace/`. ")
        .append(shownNote(h.size())).append("| epoch |");
    for (TracedPair p : f.traced()) md.append(' ').append(text(p.label())).append(" |");
    md.append("\n| ---: |");
    for (int j = 0; j < f.traced().size(); j++) md.append(" ---: |");
    md.append('\n');
    int firstEpoch = h.get(0).epoch();
    for (int i : sample(h.size(), bestEpoch - firstEpoch)) {
      int epoch = h.get(i).epoch();
      md.append("| ").append(epoch).append(epoch == bestEpoch ? " (best)" : "").append(" |");
      for (TracedPair p : f.traced()) md.append(' ').append(number(probability(f, epoch, p))).append(" |");
      md.append('\n');
    }
    md.append('\n');
    for (TracedPair p : f.traced()) {
      double start = probability(f, firstEpoch, p);
      double end = probability(f, bestEpoch, p);
      md.append(String.format(Locale.ROOT, "- %s: %s at epoch %d, %s at the best epoch %d (%s)%n", text(p.label()), number(start),
          firstEpoch, number(end), bestEpoch, Double.isFinite(end) ? Strength.of(end).label() : "n/a"));
    }
    md.append('\n');
  }

  private static void expectations(StringBuilder md, Findings f) {
    md.append("## Expected patterns\n\n");
    if (f.expectations().isEmpty()) {
      md.append("None configured (analysis.expect).\n");
      return;
    }
    md.append("| result | pair | probability | minimum |\n| --- | --- | ---: | ---: |\n");
    for (ExpectationResult e : f.expectations()) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", e.passed() ? "passed" : "FAILED",
          text(e.prev() + WordPair.SEPARATOR + e.next()),
          e.inVocabulary() ? String.format(Locale.ROOT, "%.4f", e.probability()) : "out of vocabulary", e.expected().minProbability()));
    }
    int failed = f.failedExpectations().size();
    md.append('\n').append(String.format(Locale.ROOT, "%d of %d passed. Quality gate: **%s**", f.expectations().size() - failed,
        f.expectations().size(), f.gate()));
    md.append(switch (f.gate()) {
      case "failed" -> " (analysis.fail-on-expectations = true): the run is kept but LATEST was not moved to it.\n";
      case "passed" -> " (analysis.fail-on-expectations = true).\n";
      default -> " (analysis.fail-on-expectations = false: reported only).\n";
    });
  }

  private static double probability(Findings f, int epoch, TracedPair p) {
    for (PairTraceRow r : f.trace()) {
      if (r.epoch() == epoch && r.prev().equals(p.prev()) && r.next().equals(p.next())) return r.probability();
    }
    return Double.NaN;
  }

  /**
   * Indices of at most about {@link #MAX_EPOCH_ROWS} rows out of {@code n}, evenly spread, always with the first,
   * the last and {@code bestIndex}.
   */
  static List<Integer> sample(int n, int bestIndex) {
    TreeSet<Integer> out = new TreeSet<>();
    if (n <= MAX_EPOCH_ROWS) {
      for (int i = 0; i < n; i++) out.add(i);
      return new ArrayList<>(out);
    }
    int slots = MAX_EPOCH_ROWS - 1;
    for (int k = 0; k <= slots; k++) out.add((int) Math.round((double) k * (n - 1) / slots));
    if (bestIndex >= 0 && bestIndex < n) out.add(bestIndex);
    return new ArrayList<>(out);
  }

  private static void row(StringBuilder md, String name, String value) {
    md.append("| ").append(name).append(" | ").append(value).append(" |\n");
  }

  /** A word in a Markdown table: '<' would start an HTML tag (<unk>), '|' a cell. */
  static String text(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|");
  }

  private static String shownNote(int epochs) {
    return epochs <= MAX_EPOCH_ROWS ? "\n\n" : String.format(Locale.ROOT, "Every epoch is in `history/`; %d evenly spread epochs and the best"
        + " are shown.%n%n", MAX_EPOCH_ROWS);
  }

  /** Four decimals, or scientific notation below 0.001 (tiny changes and learning rates). */
  private static String small(double x) {
    if (!Double.isFinite(x)) return "-";
    return x != 0 && Math.abs(x) < 1e-3 ? String.format(Locale.ROOT, "%.2e", x) : String.format(Locale.ROOT, "%.4f", x);
  }

  private static String number(double x) {
    return Double.isFinite(x) ? String.format(Locale.ROOT, "%.4f", x) : "-";
  }

}
