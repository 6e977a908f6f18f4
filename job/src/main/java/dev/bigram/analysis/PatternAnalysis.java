package dev.bigram.analysis;

import dev.bigram.analysis.TopCounts.ContextCount;
import dev.bigram.data.Vocabulary;
import dev.bigram.model.BigramModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The exercise's "discovered word relationships", on the trained model: for each frequent context word, the
 * next words it predicts above a minimum probability, best first, with a strength label. Driver only: one
 * softmax row per context word.
 */
public final class PatternAnalysis {
  private PatternAnalysis() {}

  /**
   * Patterns of {@code contexts} (most frequent first): at most {@code topK} next words with
   * {@code p > minProbability} each; a context with none contributes no row.
   */
  public static List<LearnedPattern> of(BigramModel model, Vocabulary vocab, List<ContextCount> contexts, int topK,
      double minProbability) {
    List<LearnedPattern> out = new ArrayList<>();
    int contextRank = 0;
    for (ContextCount c : contexts) {
      contextRank++;
      double[] p = model.probabilities(c.id());
      List<Integer> best = topIds(p, topK);
      int rank = 0;
      for (int j : best) {
        if (p[j] <= minProbability) break;
        rank++;
        out.add(new LearnedPattern(vocab.word(c.id()), contextRank, c.count(), vocab.word(j), rank, p[j],
            Strength.of(p[j])));
      }
    }
    return out;
  }

  /** The {@code k} ids of highest probability, best first, ties by id. */
  public static List<Integer> topIds(double[] p, int k) {
    return IntStream.range(0, p.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(j -> -p[j]).thenComparingInt(j -> j))
        .limit(k)
        .toList();
  }
}
