package dev.bigram.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.data.CountRows;
import org.junit.jupiter.api.Test;

/** {@code model.init-bias = unigram}: the starting bias is the smoothed unigram of the next words. */
class InitialBiasTest {
  // Contexts 0 and 2 (of V = 4): 0 -> {1: 3, 2: 1}, 2 -> {1: 2, 0: 4}; word 3 never follows anything.
  private final CountRows rows = new CountRows(new int[] {0, 2}, new int[] {0, 2, 4}, new int[] {1, 2, 0, 1},
      new long[] {3, 1, 4, 2});

  @Test
  void nextWordCountsSumTheColumns() {
    assertArrayEquals(new long[] {4, 5, 1, 0}, InitialBias.nextWordCounts(rows, 4));
  }

  @Test
  void theBiasIsTheAddOneUnigramAndStartsTheLossAtItsCrossEntropy() {
    long[] c = {4, 5, 1, 0};
    float[] b = new float[4];
    InitialBias.setUnigram(b, c);
    double n = 10;
    for (int j = 0; j < 4; j++) assertEquals(Math.log((c[j] + 1) / (n + 4)), b[j], 1e-6);
    // With W = 0 every context predicts softmax(b), which is exactly the smoothed unigram: the first loss is
    // its cross-entropy on the next words, below log V.
    double z = 0;
    for (int j = 0; j < 4; j++) z += Math.exp(b[j]);
    double logZ = Math.log(z);
    assertEquals(0.0, logZ, 1e-6, "already normalized");
    double loss = 0;
    for (int j = 0; j < 4; j++) loss -= c[j] * (b[j] - logZ);
    loss /= n;
    double expected = -(4 * Math.log(5 / 14.0) + 5 * Math.log(6 / 14.0) + 1 * Math.log(2 / 14.0)) / n;
    assertEquals(expected, loss, 1e-6);
    assertTrue(loss < Math.log(4), "better than the uniform start");
  }
}
