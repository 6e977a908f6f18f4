package dev.bigram.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The low-rank term's row arithmetic on vectors gives the scalar code's bits, tails and tiny values included. */
class AxpyTwinTest {
  static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * Math.exp(40 * r.nextGaussian()));
    return a;
  }

  @Test
  void vectorAndScalarAxpyAxpyFromAxpy4AxpyFourFromAndFlushGiveTheSameBits() {
    Assumptions.assumeTrue(VectorSupport.available(), "the vector API is not on this JVM's module path");
    Random r = new Random(8);
    for (int n : new int[] {1, 7, 16, 33, 4099}) {
      float[] x0 = random(r, n + 2);
      float[] x1 = random(r, n + 2);
      float[] x2 = random(r, n + 2);
      float[] x3 = random(r, n + 2);
      float[] w = random(r, n + 1);
      float[] z = random(r, n + 3);
      float[] scalar = z.clone();
      float[] vector = z.clone();
      for (int j = 0; j < n; j++) scalar[3 + j] += 0.7f * x0[2 + j];
      VectorAxpy.axpy(0.7f, x0, 2, vector, 3, n);
      assertArrayEquals(scalar, vector, "axpy, n = " + n);
      for (int j = 0; j < n; j++) scalar[3 + j] = w[1 + j] + -1.3f * x1[2 + j];
      VectorAxpy.axpyFrom(w, 1, -1.3f, x1, 2, vector, 3, n);
      assertArrayEquals(scalar, vector, "axpyFrom, n = " + n);
      for (int j = 0; j < n; j++) {
        scalar[3 + j] = (((scalar[3 + j] + 0.1f * x0[j]) + 2f * x1[1 + j]) + -3f * x2[2 + j]) + 1e-3f * x3[j];
      }
      VectorAxpy.axpy4(0.1f, x0, 0, 2f, x1, 1, -3f, x2, 2, 1e-3f, x3, 0, vector, 3, n);
      assertArrayEquals(scalar, vector, "axpy4, n = " + n);
      for (int j = 0; j < n; j++) {
        scalar[3 + j] = (((w[1 + j] + 0.5f * x0[j]) + -2f * x1[1 + j]) + 3f * x2[2 + j]) + 1e-2f * x3[j];
      }
      VectorAxpy.axpy4(0.5f, x0, 0, -2f, x1, 1, 3f, x2, 2, 1e-2f, x3, 0, w, 1, vector, 3, n);
      assertArrayEquals(scalar, vector, "axpy4 from w, n = " + n);
      for (int j = 3; j < 3 + n; j++) if (Math.abs(scalar[j]) < 1e-6f) scalar[j] = 0f;
      VectorAxpy.flush(vector, 3, 3 + n, 1e-6f);
      assertArrayEquals(scalar, vector, "flush, n = " + n);
    }
  }
}
