package dev.bigram.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TrainerConfigTest {
  @Test
  void defaultsLoadAndValidate() {
    TrainerConfig c = TrainerConfig.load(null, List.of());
    assertEquals("adam", c.optimizer());
    assertEquals(10000, c.vocabSize());
    assertEquals("sharded", c.broadcast());
  }

  @Test
  void everyKeyIsDeclaredOnceAndEveryDefaultPassesItsOwnValidator() {
    Set<String> names = new TreeSet<>();
    for (Param<?> p : Keys.ALL) assertTrue(names.add(p.name()), p.name() + " is declared twice");
    // The defaults alone make a valid configuration: no key's default is out of its own range.
    TrainerConfig c = TrainerConfig.load(null, List.of());
    for (Param<?> p : Keys.ALL) {
      assertTrue(c.effective().hasPathOrNull(p.name()), p.name() + " has no default");
    }
  }

  @Test
  void overridesWinAndLaterOnesWinOverEarlier() {
    TrainerConfig c = TrainerConfig.load(null,
        List.of("train.learning-rate=0.5", "train.learning-rate=0.25", "output.dir=hdfs://nn:8020/x/y"));
    assertEquals(0.25, c.learningRate());
    assertEquals("hdfs://nn:8020/x/y", c.outputDir());
  }

  @Test
  void aTypoIsAnErrorThatSuggestsTheNearestKey() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> TrainerConfig.load(null, List.of("train.learning-rte=0.1")));
    assertEquals(List.of("unknown key train.learning-rte (did you mean train.learning-rate?)"), e.problems());
  }

  @Test
  void wrongTypesAndRangesAreAllReportedTogether() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> TrainerConfig.load(null,
        List.of("vocab.size=many", "train.decay=1.5", "early-stopping.patience=0", "train.optimizer=rmsprop")));
    assertEquals(4, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().get(0).startsWith("vocab.size has the wrong type: expected an integer in [2, 1000000]"),
        e.problems().get(0));
    assertTrue(e.problems().contains("train.decay = 1.5 is out of range: expected a number in (0, 1]"));
    assertTrue(e.problems().contains("early-stopping.patience = 0 is out of range: expected an integer >= 1"));
    assertTrue(e.problems().contains("train.optimizer = \"rmsprop\" is out of range: expected sgd or adam"));
  }

  @Test
  void contradictorySettingsAreReported() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> TrainerConfig.load(null,
        List.of("train.learning-rate=0.01", "train.min-learning-rate=0.1")));
    assertTrue(e.problems().get(0).contains("train.min-learning-rate = 0.1 is larger than train.learning-rate"));
  }

  @Test
  void l2IsANumberOrAutoAndAnythingElseIsRefusedWithTheOtherProblems() {
    TrainerConfig fixed = TrainerConfig.load(null, List.of("train.l2=1e-6"));
    assertEquals(1e-6, fixed.l2(), 0.0);
    org.junit.jupiter.api.Assertions.assertFalse(fixed.l2Auto());
    TrainerConfig auto = TrainerConfig.load(null, List.of("train.l2=auto"));
    org.junit.jupiter.api.Assertions.assertTrue(auto.l2Auto());
    assertEquals(0.0, auto.l2(), 0.0);
    ConfigurationException bad = assertThrows(ConfigurationException.class,
        () -> TrainerConfig.load(null, List.of("train.l2=often", "train.kernel=quick")));
    assertEquals(2, bad.problems().size(), String.valueOf(bad.problems()));
    org.junit.jupiter.api.Assertions.assertTrue(bad.problems().get(0).contains("a number >= 0 or auto"),
        String.valueOf(bad.problems()));
  }

  @Test
  void aMissingCloseBraceNamesTheLineThatOpenedIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path conf = dir.resolve("broken.conf");
    java.nio.file.Files.writeString(conf, String.join("\n", "# a comment with { a brace", "vocab {", "  size = 300",
        "}", "train {", "  learning-rate = 0.1", "  # no close brace below", "early-stopping { patience = 3 }", ""));
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> TrainerConfig.load(conf.toFile(), List.of()));
    String problem = e.problems().get(0);
    assertTrue(problem.startsWith("--conf " + conf), problem);
    assertTrue(problem.endsWith("the { opened at line 5 is never closed: a } is missing"), problem);
  }

  @Test
  void unclosedBraceIgnoresBracesInStringsAndComments() {
    assertEquals(java.util.OptionalInt.empty(), UnclosedBrace.of("a = \"{\" // {\nb { c = 1 } # {\n"));
    assertEquals(java.util.OptionalInt.of(2), UnclosedBrace.of("a = [1, 2]\nb {\n c = \"}\"\n"));
  }

  @Test
  void aDenseVocabularyWhoseFactorsOverflowOneArrayIsRefusedBeforeTheDataPass() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> TrainerConfig.load(null,
        java.util.List.of("vocab.size=46340", "model.weights=dense", "model.rank=8")));
    assertTrue(e.getMessage().contains("model.rank = 8"), e.getMessage());
    TrainerConfig.load(null, java.util.List.of("vocab.size=46340", "model.weights=dense", "model.rank=0"));
    TrainerConfig.load(null, java.util.List.of("vocab.size=46000", "model.weights=dense", "model.rank=8"));
  }
}
