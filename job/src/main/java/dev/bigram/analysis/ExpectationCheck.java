package dev.bigram.analysis;

import dev.bigram.config.ExpectedPattern;
import dev.bigram.data.Tokenizer;
import dev.bigram.data.Vocabulary;
import dev.bigram.model.BigramModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The exercise's {@code test_specific_patterns} as a quality gate: each expected pair passes when the model
 * gives it at least its minimum probability. A pair with a word outside the vocabulary fails: the model cannot
 * have learned it.
 */
public final class ExpectationCheck {
  private ExpectationCheck() {}

  public static List<ExpectationResult> check(BigramModel model, Vocabulary vocab, Tokenizer tokenizer,
      List<ExpectedPattern> expectations) {
    List<ExpectationResult> out = new ArrayList<>(expectations.size());
    for (ExpectedPattern e : expectations) {
      String prev = WordIds.normalize(tokenizer, e.pair().prev());
      String next = WordIds.normalize(tokenizer, e.pair().next());
      int prevId = WordIds.idOf(vocab, tokenizer, e.pair().prev());
      int nextId = WordIds.idOf(vocab, tokenizer, e.pair().next());
      if (prevId == WordIds.OUT_OF_VOCABULARY || nextId == WordIds.OUT_OF_VOCABULARY) {
        out.add(new ExpectationResult(e, prev, next, false, Double.NaN, false));
        continue;
      }
      double p = model.probabilities(prevId)[nextId];
      out.add(new ExpectationResult(e, prev, next, true, p, p >= e.minProbability()));
    }
    return out;
  }
}
