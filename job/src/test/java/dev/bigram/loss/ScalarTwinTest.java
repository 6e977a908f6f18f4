package dev.bigram.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bigram.data.CountRows;
import dev.bigram.data.RowBlocks;
import dev.bigram.testing.Occurrences;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scalar row math computes the vector row math's bits, so a run does not depend on which one a JVM chose
 * (nor on whether an executor has the vector API at all, NoVectorModuleTest, nor on its vector width: the sums
 * take one fixed order). The update rules' twins are compared in AdamRowsTwinTest.
 */
class ScalarTwinTest {
  /** Rows of logits from near-uniform to spreads past exp's cut at -87; sizes around the chunk of 16. */
  @ParameterizedTest
  @ValueSource(ints = {1, 5, 16, 37, 130, 1000})
  void rowMathGivesTheVectorKernelsBits(int v) {
    SplittableRandom random = new SplittableRandom(v);
    float[] w = new float[v * v];
    float[] b = new float[v];
    for (int i = 0; i < v; i++) {
      // Near-uniform rows sum exactly in double whatever the order; rows spread over 60 nats or more do not.
      for (int j = 0; j < v; j++) {
        w[i * v + j] = (float) switch (i % 4) {
          case 0 -> random.nextGaussian() * 0.01;
          case 1 -> random.nextGaussian();
          case 2 -> random.nextGaussian() * 30;
          default -> -60 * random.nextDouble();
        };
      }
    }
    for (int j = 0; j < v; j++) b[j] = (float) random.nextGaussian();
    CountRows rows = Occurrences.blocks(Occurrences.random(v, 40 * v, 0, v), new RowBlocks(v, 1)).get(0).train();
    for (float[] bias : new float[][] {b, null}) {
      VectorRowMath vector = new VectorRowMath(v);
      ScalarRowMath twin = new ScalarRowMath(v);
      GradientRows gv = new GradientRows(0, v, v, true);
      GradientRows gt = new GradientRows(0, v, v, true);
      double[] dbv = new double[v];
      double[] dbt = new double[v];
      for (int r = 0; r < rows.numRows(); r++) {
        int row = rows.row(r);
        double lv = vector.prepare(w, row * v, bias);
        double lt = twin.prepare(w, row * v, bias);
        assertEquals(Double.doubleToLongBits(lv), Double.doubleToLongBits(lt), "log-sum-exp of row " + row);
        vector.writeGradient(rows, r, gv, gv.offsetOf(row), dbv);
        twin.writeGradient(rows, r, gt, gt.offsetOf(row), dbt);
      }
      assertArrayEquals(gv.floats(), gt.floats(), "gradient rows, V = " + v);
      assertArrayEquals(dbv, dbt, "bias gradient, V = " + v);
    }
  }

  private static float[] gaussian(SplittableRandom random, int n, double scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (random.nextGaussian() * scale);
    return x;
  }
}
