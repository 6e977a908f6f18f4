package dev.bigram.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.data.Vocabulary;
import dev.bigram.model.BigramModel;
import org.junit.jupiter.api.Test;

/** Carrying a model over to a changed vocabulary, by word, without Spark. */
class WarmStartTest {
  static Vocabulary vocab(String... words) {
    String[] all = new String[words.length + 1];
    all[0] = Vocabulary.UNK;
    System.arraycopy(words, 0, all, 1, words.length);
    return new Vocabulary(all, new long[all.length], false);
  }

  /** W[i][j] = 100 * i + j + 0.5 and b[j] = -j - 0.25, so every entry says where it came from. */
  static BigramModel labelled(int v) {
    float[] w = new float[v * v];
    float[] b = new float[v];
    for (int i = 0; i < v; i++) {
      b[i] = -i - 0.25f;
      for (int j = 0; j < v; j++) w[i * v + j] = 100 * i + j + 0.5f;
    }
    return new BigramModel(v, w, b);
  }

  @Test
  void rowsAndColumnsFollowTheirWordsNewWordsStayFreshDroppedWordsGo() {
    Vocabulary old = vocab("the", "cat", "sat", "mat");        // ids 1..4
    Vocabulary now = vocab("cat", "dog", "the", "ran", "mat"); // the moved, sat dropped, dog and ran new
    BigramModel fresh = BigramModel.initialize(now.size(), true, 0.01, 7);
    BigramModel freshCopy = fresh.copy();
    WarmStart.Result r = WarmStart.carryOver(labelled(old.size()), old, fresh, now);

    assertEquals(4, r.carriedOver(), "<unk>, cat, the, mat");
    assertEquals(2, r.newWords(), "dog, ran");
    assertEquals(1, r.droppedWords(), "sat");
    int v = now.size();
    float[] w = r.model().weights();
    for (int i = 0; i < v; i++) {
      for (int j = 0; j < v; j++) {
        String wi = now.word(i);
        String wj = now.word(j);
        float expected = old.contains(wi) && old.contains(wj)
            ? 100 * old.id(wi) + old.id(wj) + 0.5f
            : freshCopy.weights()[i * v + j];
        assertEquals(expected, w[i * v + j], 0.0f, wi + " -> " + wj);
      }
      float expectedBias = old.contains(now.word(i)) ? -old.id(now.word(i)) - 0.25f : freshCopy.bias()[i];
      assertEquals(expectedBias, r.model().bias()[i], 0.0f, "bias of " + now.word(i));
    }
    // Spot checks in words: "the" -> "cat" was old W[1][2].
    assertEquals(102.5f, w[now.id("the") * v + now.id("cat")], 0.0f);
    assertEquals(401.5f, w[now.id("mat") * v + now.id("the")], 0.0f);
  }

  @Test
  void aWarmStartOfTheSameRankCarriesTheFactorsByWordAndStartsFromThePublishedLogits() {
    Vocabulary old = vocab("the", "cat", "sat", "mat");        // ids 1..4
    Vocabulary now = vocab("cat", "dog", "the", "ran", "mat"); // the moved, sat dropped, dog and ran new
    int u = old.size();
    int v = now.size();
    int r = 2;
    BigramModel trained = BigramModel.initialize(u, true, 0.5, 3, r);
    java.util.Random random = new java.util.Random(9);
    for (int k = dev.bigram.model.LowRank.aStart(u); k < trained.weights().length; k++) {
      trained.weights()[k] = (float) random.nextGaussian();
    }
    BigramModel published = trained.folded();
    dev.bigram.model.LowRank.Factors factors = trained.factors();
    BigramModel fresh = BigramModel.initialize(v, true, 0.01, 7, r);
    BigramModel freshCopy = fresh.copy();
    WarmStart.Result res = WarmStart.carryOver(published, factors, old, fresh, now);

    assertTrue(res.factorsCarried());
    BigramModel m = res.model();
    dev.bigram.model.LowRank.Factors carried = m.factors();
    for (int i = 0; i < v; i++) {
      String wi = now.word(i);
      for (int k = 0; k < r; k++) {
        float a = old.contains(wi) ? factors.a(old.id(wi), k) : freshCopy.factors().a(i, k);
        float b = old.contains(wi) ? factors.b(k, old.id(wi)) : freshCopy.factors().b(k, i);
        assertEquals(a, carried.a(i, k), 0f, "A[" + wi + "][" + k + "]");
        assertEquals(b, carried.b(k, i), 0f, "B[" + k + "][" + wi + "]");
      }
      for (int j = 0; j < v; j++) {
        String wj = now.word(j);
        if (!old.contains(wi) || !old.contains(wj)) continue;
        float was = published.weight(old.id(wi), old.id(wj));
        assertEquals(was, m.weight(i, j), 1e-5f * Math.max(1f, Math.abs(was)), wi + " -> " + wj + "'s logit");
        assertTrue(Math.abs(m.weights()[i * v + j] - was) > 1e-3f || Math.abs(factors.term(old.id(wi),
            old.id(wj))) < 1e-3f, wi + " -> " + wj + ": W is the old one less the old term");
      }
    }
  }

  @Test
  void aWarmStartOfAnotherRankKeepsTheFreshFactorsAndTheFoldedW() {
    Vocabulary words = vocab("the", "cat");
    BigramModel trained = BigramModel.initialize(words.size(), true, 0.5, 3, 2);
    BigramModel fresh = BigramModel.initialize(words.size(), true, 0.01, 7, 3);
    float[] freshFactors = fresh.factors().values();
    WarmStart.Result res = WarmStart.carryOver(trained.folded(), trained.factors(), words, fresh, words);
    assertTrue(!res.factorsCarried());
    org.junit.jupiter.api.Assertions.assertArrayEquals(freshFactors, res.model().factors().values());
    assertEquals(trained.folded().weights()[4], res.model().weights()[4], 0f);
  }
}
