package dev.bigram.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.analysis.TopCounts.ContextCount;
import dev.bigram.config.ExpectedPattern;
import dev.bigram.config.TokenizerSettings;
import dev.bigram.config.WordPair;
import dev.bigram.data.Tokenizer;
import dev.bigram.data.Vocabulary;
import dev.bigram.model.BigramModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Patterns, labels, the association matrix and expectation checks on a hand-made model whose probabilities are
 * known: row {@code i} of W holds {@code log p(. | i)} and there is no bias.
 */
class PatternAnalysisTest {
  /** Float storage of log-probabilities: about 1e-7 relative. */
  static final double TOLERANCE = 1e-6;
  static final Vocabulary VOCAB = new Vocabulary(new String[] {"<unk>", "the", "cat", "sat"},
      new long[] {0, 10, 3, 3}, false);
  static final double[][] P = {
      {0.25, 0.25, 0.25, 0.25},
      {0.06, 0.05, 0.50, 0.39},  // the: cat 0.5 (strong), sat 0.39 (clear)
      {0.09, 0.15, 0.06, 0.70},  // cat: sat 0.7 (strong), the 0.15 (weak), <unk> 0.09 (not above 0.1)
      {0.30, 0.26, 0.24, 0.20}}; // sat: <unk> 0.30, the 0.26 (clear), cat 0.24, sat 0.20 (weak)

  static BigramModel model() {
    float[] w = new float[16];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) w[i * 4 + j] = (float) Math.log(P[i][j]);
    }
    return new BigramModel(4, w, null);
  }

  static final List<ContextCount> CONTEXTS = List.of(new ContextCount(1, 10), new ContextCount(2, 3),
      new ContextCount(3, 3));

  @Test
  void patternsAreTheTopNextWordsAboveTheMinimumBestFirst() {
    List<LearnedPattern> patterns = PatternAnalysis.of(model(), VOCAB, CONTEXTS, 3, 0.1);
    List<String> got = patterns.stream().map(p -> p.context() + ">" + p.next() + ":" + p.rank() + ":"
        + p.strength().label()).toList();
    assertEquals(List.of("the>cat:1:strong", "the>sat:2:clear", "cat>sat:1:strong", "cat>the:2:weak",
        "sat><unk>:1:clear", "sat>the:2:clear", "sat>cat:3:weak"), got);
    assertEquals(0.5, patterns.get(0).probability(), TOLERANCE);
    assertEquals(10L, patterns.get(0).contextCount());
    assertEquals(3, patterns.get(4).contextRank());
  }

  @Test
  void topKAndTheMinimumBothCut() {
    assertEquals(3, PatternAnalysis.of(model(), VOCAB, CONTEXTS, 1, 0.1).size());
    List<LearnedPattern> strict = PatternAnalysis.of(model(), VOCAB, CONTEXTS, 3, 0.45);
    assertEquals(List.of("cat", "sat"), strict.stream().map(LearnedPattern::next).toList());
  }

  @Test
  void strengthAndConfidenceUseTheExercisesStrictThresholds() {
    assertEquals(Strength.STRONG, Strength.of(0.4001));
    assertEquals(Strength.CLEAR, Strength.of(0.4));
    assertEquals(Strength.CLEAR, Strength.of(0.2501));
    assertEquals(Strength.WEAK, Strength.of(0.25));
    assertEquals(Strength.WEAK, Strength.of(0.0));
    assertEquals(Confidence.HIGH, Confidence.of(0.3001));
    assertEquals(Confidence.MEDIUM, Confidence.of(0.3));
    assertEquals(Confidence.MEDIUM, Confidence.of(0.1501));
    assertEquals(Confidence.LOW, Confidence.of(0.15));
  }

  @Test
  void theAssociationMatrixHoldsTheProbabilitiesBetweenTheShownWords() {
    AssociationMatrix m = AssociationMatrix.of(model(), VOCAB, List.of(1, 2, 3));
    assertEquals(List.of("the", "cat", "sat"), m.words());
    assertEquals(P[1][2], m.probabilities()[0][1], TOLERANCE);
    assertEquals(P[3][1], m.probabilities()[2][0], TOLERANCE);
  }

  @Test
  void expectationsPassAtTheirMinimumAndFailOutOfVocabulary() {
    Tokenizer tokenizer = new Tokenizer(TokenizerSettings.defaults());
    List<ExpectationResult> r = ExpectationCheck.check(model(), VOCAB, tokenizer, List.of(
        ExpectedPattern.parse("The>CAT", 0.2), ExpectedPattern.parse("cat>the>=0.16", 0.2),
        ExpectedPattern.parse("cat>sat>=0.69", 0.2), ExpectedPattern.parse("dog>sat", 0.2)));
    assertTrue(r.get(0).passed());
    assertEquals("the", r.get(0).prev(), "words are normalized like the corpus");
    assertFalse(r.get(1).passed(), "0.15 < 0.16");
    assertTrue(r.get(2).passed());
    assertFalse(r.get(3).passed());
    assertFalse(r.get(3).inVocabulary());
    assertEquals("dog>sat: out of vocabulary (needs p >= 0.2) failed", r.get(3).describe());
    assertEquals("cat>the: p = 0.1500 < 0.16 failed", r.get(1).describe());
  }

  @Test
  void pairsAndExpectationsParseAndRejectWhatIsNotAPair() {
    assertEquals(new WordPair("the", "cat"), WordPair.parse(" the > cat "));
    assertEquals(new ExpectedPattern(new WordPair("sat", "on"), 0.3), ExpectedPattern.parse("sat>on>=0.3", 0.2));
    assertEquals(0.2, ExpectedPattern.parse("sat>on", 0.2).minProbability());
    for (String bad : List.of("the-cat", ">cat", "the>", "a>b>c", "")) {
      assertFalse(WordPair.isValid(bad), bad);
    }
    for (String bad : List.of("a>b>=x", "a>b>=1.5", "a>=0.3")) {
      assertFalse(ExpectedPattern.isValid(bad), bad);
    }
  }
}
