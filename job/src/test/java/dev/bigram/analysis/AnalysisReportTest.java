package dev.bigram.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.config.ExpectedPattern;
import dev.bigram.config.WordPair;
import dev.bigram.optim.Convergence;
import dev.bigram.optim.StopReason;
import dev.bigram.train.EpochRecord;
import dev.bigram.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** report.md: well-formed Markdown tables, special tokens that stay visible, long histories sampled. */
class AnalysisReportTest {
  static Findings findings(List<EpochRecord> history) {
    List<TracedPair> traced = List.of(new TracedPair(1, 2, "the", "cat"), new TracedPair(2, 0, "cat", "<unk>"));
    List<PairTraceRow> trace = new ArrayList<>();
    for (EpochRecord r : history) {
      trace.add(new PairTraceRow(r.epoch(), "the", "cat", 0.1 + 0.001 * r.epoch()));
      trace.add(new PairTraceRow(r.epoch(), "cat", "<unk>", 0.2));
    }
    List<ContextWord> contexts = List.of(new ContextWord(1, "the", 10), new ContextWord(2, "cat", 3),
        new ContextWord(3, "a|b", 1));
    List<LearnedPattern> patterns = List.of(
        new LearnedPattern("the", 1, 10, "cat", 1, 0.3, Strength.CLEAR),
        new LearnedPattern("cat", 2, 3, "<unk>", 1, 0.45, Strength.STRONG));
    AssociationMatrix matrix = new AssociationMatrix(List.of("the", "cat", "<unk>"),
        new double[][] {{0, 0.3, 0.001}, {0.1, 0, 0.45}, {0.5, 0.2, 0.1}});
    List<ExpectationResult> expectations = List.of(
        new ExpectationResult(new ExpectedPattern(new WordPair("the", "cat"), 0.2), "the", "cat", true, 0.3, true),
        new ExpectationResult(new ExpectedPattern(new WordPair("dog", "sat"), 0.2), "dog", "sat", false, Double.NaN,
            false));
    return new Findings(traced, trace, contexts, patterns, matrix, expectations, true);
  }

  static List<EpochRecord> history(int n) {
    List<EpochRecord> h = new ArrayList<>();
    for (int e = 1; e <= n; e++) {
      h.add(new EpochRecord(e, 1 + 1.0 / e, Double.NaN, 0.1, 1, 0.1, e == 1 ? "Initial" : "Stable", 1.0 / e,
          false, 0, 0, 0, 0, 0));
    }
    return h;
  }

  static String report(int epochs, int best) {
    List<EpochRecord> h = history(epochs);
    TrainingResult result = new TrainingResult(null, h, best, StopReason.EARLY_STOPPING, 1.0);
    return AnalysisReport.markdown("r1", result, 1.0, new Convergence(0.001), findings(h),
        dev.bigram.config.TrainerConfig.load(null, List.of()).analysis());
  }

  /** Cells of a Markdown table row, honouring escaped pipes. */
  static int cells(String line) {
    return line.replace("\\|", "").split("\\|", -1).length - 2;
  }

  @Test
  void everyTableRowHasAsManyCellsAsItsHeader() {
    String md = report(200, 150);
    int tables = 0;
    int header = -1;
    for (String line : md.split("\n")) {
      if (!line.startsWith("|")) {
        header = -1;
        continue;
      }
      if (header < 0) {
        header = cells(line);
        tables++;
      } else {
        assertEquals(header, cells(line), "row '" + line + "'");
      }
    }
    assertEquals(6, tables, "convergence, journey, predictions, matrix, trace, expectations");
  }

  @Test
  void specialTokensStayVisibleAndTheGateIsReported() {
    String md = report(5, 3);
    assertTrue(md.contains("cat>&lt;unk>"), "'<unk>' would be read as an HTML tag");
    assertTrue(md.contains("| a\\|b | 1 | none above 0.1 |"), md);
    assertTrue(md.contains("| FAILED | dog>sat | out of vocabulary | 0.2 |"), md);
    assertTrue(md.contains("1 of 2 passed. Quality gate: **failed**"), md);
    assertTrue(md.contains("| 3 | 1.3333 | - | 0.1000 | Stable (best) |"), md);
  }

  @Test
  void longHistoriesAreSampledWithTheFirstTheBestAndTheLastEpoch() {
    List<Integer> shown = AnalysisReport.sample(200, 149);
    assertTrue(shown.size() <= AnalysisReport.MAX_EPOCH_ROWS + 1, shown.toString());
    assertTrue(shown.contains(0) && shown.contains(149) && shown.contains(199), shown.toString());
    assertEquals(List.of(0, 1, 2, 3, 4), AnalysisReport.sample(5, 2));
  }
}
