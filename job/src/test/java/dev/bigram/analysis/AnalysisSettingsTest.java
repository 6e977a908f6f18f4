package dev.bigram.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.config.AnalysisSettings;
import dev.bigram.config.ConfigurationException;
import dev.bigram.config.ExpectedPattern;
import dev.bigram.config.TrainerConfig;
import dev.bigram.config.WordPair;
import dev.bigram.job.Fit;
import dev.bigram.train.EpochLoop;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The analysis.* keys: defaults, parsing, all problems reported together, and wiring into the epoch loop. */
class AnalysisSettingsTest {
  @Test
  void theDefaultsAreTheExercises() {
    TrainerConfig c = TrainerConfig.load(null, List.of());
    AnalysisSettings a = c.analysis();
    assertEquals(0.005, a.statusThreshold());
    assertEquals(0.001, a.convergenceTolerance());
    assertEquals(0.1, a.minProbability());
    assertEquals(List.of(), a.tracePairs());
    assertEquals(List.of(), a.expectations());
    assertFalse(a.failOnExpectations());
    assertFalse(c.stopOnConvergence());
  }

  @Test
  void pairsAndExpectationsAreParsedWithTheDefaultMinimum() {
    AnalysisSettings a = TrainerConfig.load(null, List.of("analysis.trace-pairs=[\"the>cat\", \"cat>sat\"]",
        "analysis.expect=[\"cat>sat\", \"sat>on>=0.5\"]", "analysis.expect-min-probability=0.3")).analysis();
    assertEquals(List.of(new WordPair("the", "cat"), new WordPair("cat", "sat")), a.tracePairs());
    assertEquals(List.of(new ExpectedPattern(new WordPair("cat", "sat"), 0.3),
        new ExpectedPattern(new WordPair("sat", "on"), 0.5)), a.expectations());
    // A single value is a one-element list, as on the command line: --set analysis.expect=cat>sat
    assertEquals(1, TrainerConfig.load(null, List.of("analysis.expect=cat>sat")).analysis().expectations().size());
  }

  @Test
  void everyBadAnalysisKeyIsReportedTogether() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> TrainerConfig.load(null, List.of(
        "analysis.trace-pairs=[\"the-cat\"]", "analysis.expect=[\"cat>sat>=1.5\"]", "analysis.top-k=0",
        "analysis.status-threshold=-1", "analysis.convergence-tolerance=0")));
    assertEquals(5, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().contains("analysis.trace-pairs: 'the-cat' is not a word pair of the form prev>next,"
        + " e.g. \"the>cat\""), e.problems().toString());
    assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("analysis.expect: the minimum probability of"
        + " cat>sat must be in [0, 1], got 1.5")), e.problems().toString());
  }

  @Test
  void theLoopGetsTheStatusThresholdAndTheConvergenceRule() {
    EpochLoop.LoopSettings s = Fit.loopSettings(TrainerConfig.load(null, List.of(
        "analysis.status-threshold=0.05", "analysis.convergence-tolerance=0.01",
        "early-stopping.stop-on-convergence=true")));
    assertEquals(0.05, s.statusThreshold());
    assertEquals(0.01, s.convergence().tolerance());
    assertTrue(s.stopOnConvergence());
  }
}
