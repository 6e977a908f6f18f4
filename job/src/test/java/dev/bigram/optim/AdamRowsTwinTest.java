package dev.bigram.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Adam's scalar row update computes the vector row update's bits (weights, both moments and the squared
 * gradient norm), so a run does not depend on which of the two a JVM chose.
 */
class AdamRowsTwinTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 7, 16, 37, 130, 1000})
  void adamRowsGiveTheVectorUpdatesBits(int v) {
    SplittableRandom random = new SplittableRandom(100 + v);
    for (double l2 : new double[] {0, 1e-3}) {
      for (boolean withData : new boolean[] {true, false}) {
        float[] w = gaussian(random, v, 2);
        float[] m = gaussian(random, v, 0.1);
        float[] vv = gaussian(random, v, 0.1);
        for (int j = 0; j < v; j++) vv[j] *= vv[j];
        float[] data = null;
        if (withData) {
          // Gradients over 25 orders of magnitude: their squares do not sum exactly.
          data = gaussian(random, v + 3, 1);
          for (int j = 0; j < data.length; j++) data[j] *= (float) Math.pow(10, random.nextInt(-20, 6));
        }
        float[] w2 = w.clone();
        float[] m2 = m.clone();
        float[] vv2 = vv.clone();
        double sv = AdamRows.applyRow(w, 0, v, data, 3, 1.7e-4, l2, m, vv, 0.05, 1e-8);
        double st = ScalarAdamRows.applyRow(w2, 0, v, data, 3, 1.7e-4, l2, m2, vv2, 0.05, 1e-8);
        String what = "V = " + v + ", l2 = " + l2 + ", data = " + withData;
        assertEquals(Double.doubleToLongBits(sv), Double.doubleToLongBits(st), "squared norm, " + what);
        assertArrayEquals(w, w2, "weights, " + what);
        assertArrayEquals(m, m2, "first moments, " + what);
        assertArrayEquals(vv, vv2, "second moments, " + what);
      }
    }
  }

  private static float[] gaussian(SplittableRandom random, int n, double scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (random.nextGaussian() * scale);
    return x;
  }
}
