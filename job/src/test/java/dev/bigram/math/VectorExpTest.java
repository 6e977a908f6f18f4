package dev.bigram.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast kernel's exp: accurate to a few ulps, and the same bits in vector lanes and in the scalar twin. */
class VectorExpTest {
  @Test
  void withinThreeUlpsOfMathExpBitForBitTheScalarTwinAndSummedInThePartialsOrder() {
    assertTrue(VectorSupport.available(), "surefire runs with --add-modules jdk.incubator.vector");
    SplittableRandom random = new SplittableRandom(5);
    float[] x = new float[FloatExp.CHUNK * 20_000];
    for (int i = 0; i < x.length; i++) {
      // Most of the range, the edges of the range reduction, 0 and the underflow cut.
      x[i] = switch (i % 5) {
        case 0 -> (float) (-90 * random.nextDouble());
        case 1 -> (float) (-0.35 * random.nextDouble());
        case 2 -> -(float) Math.log(2) * (random.nextInt(126) + 0.5f);
        case 3 -> i % 10 == 3 ? 0f : -86.99f;
        default -> (float) (-5 * random.nextDouble());
      };
    }
    float[] y = x.clone();
    double sum = VectorExp.expChunks(y, FloatExp.chunked(y.length), 0f);
    double[] partials = new double[FloatExp.PARTIALS];
    for (int i = 0; i < y.length; i++) partials[i % FloatExp.PARTIALS] += FloatExp.expNonPositive(x[i]);
    double want = 0;
    for (double p : partials) want += p;
    assertEquals(want, sum, 0.0, "the sum in the partials' order");
    double worst = 0;
    for (int i = 0; i < x.length; i++) {
      assertEquals(Float.floatToIntBits(FloatExp.expNonPositive(x[i])), Float.floatToIntBits(y[i]),
          "lane and scalar differ at x = " + x[i]);
      if (x[i] < FloatExp.LOWEST) {
        assertEquals(FloatExp.expNonPositive(FloatExp.LOWEST), y[i], 0f, "below the cut: exp(cut)");
        assertTrue(y[i] < 1.7e-38f);
        continue;
      }
      double exact = Math.exp(x[i]);
      double ulps = Math.abs(y[i] - exact) / Math.ulp((float) exact);
      worst = Math.max(worst, ulps);
    }
    assertTrue(worst <= 3, "worst error " + worst + " ulps");
    assertEquals(1f, FloatExp.expNonPositive(0f), 0f, "exp(0) = 1 exactly");
  }
}
