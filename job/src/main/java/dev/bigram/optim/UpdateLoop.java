package dev.bigram.optim;

import dev.bigram.loss.Gradient;
import dev.bigram.loss.GradientRows;
import dev.bigram.model.BigramModel;
import java.util.stream.IntStream;

/**
 * The one loop every optimizer shares: visits each parameter once with its full gradient
 * ({@code scale * data + l2 * W} for weights, {@code scale * db} for the bias), lets the rule compute the new
 * value, and returns the gradient norm. Rows are updated in parallel on the driver's cores; each row's
 * arithmetic is sequential, so the result does not depend on the number of threads.
 */
final class UpdateLoop {
  private UpdateLoop() {}

  @FunctionalInterface
  interface Rule {
    /** Returns the new value of {@code params[index]}, whose gradient is {@code g}. */
    float apply(float[] params, int index, double g);
  }

  /**
   * A rule that updates one whole row of {@code W} at once: {@code w[offset .. offset + V)} with the gradient
   * {@code grad[j] = scale * data[dataOffset + j] + l2 * w[offset + j]} ({@code data} null: zero). Returns
   * the squared norm of the row's gradient.
   */
  interface RowRule {
    double applyRow(float[] w, int offset, int numClasses, float[] data, int dataOffset, double scale, double l2);
  }

  static double apply(BigramModel model, Gradient gradient, L2 l2, Rule weightRule, Rule biasRule) {
    return apply(model, gradient, l2, (w, offset, v, data, dataOffset, scale, l2w) -> {
      double sq = 0.0;
      for (int j = 0; j < v; j++) {
        double g = (data == null ? 0.0 : scale * data[dataOffset + j]) + l2w * w[offset + j];
        sq += g * g;
        w[offset + j] = weightRule.apply(w, offset + j, g);
      }
      return sq;
    }, weightRule, biasRule);
  }

  /**
   * As above, with a whole-row rule for float gradients (the fast kernel); a double gradient (the exact kernel)
   * always takes the element rule, in double.
   */
  static double apply(BigramModel model, Gradient gradient, L2 penalty, RowRule floatRowRule, Rule weightRule,
      Rule biasRule) {
    int v = model.numClasses();
    float[] w = model.weights();
    double scale = gradient.scale();
    double l2 = penalty.strength();
    GradientRows[] ownerOf = gradient.ownersOf(v);
    double[] rowNormSq = new double[v];
    boolean exact = gradient.rows().stream().anyMatch(g -> !g.isFloat());
    IntStream.range(0, v).parallel().forEach(i -> {
      GradientRows owner = ownerOf[i];
      int offset = i * v;
      if (!exact) {
        rowNormSq[i] = floatRowRule.applyRow(w, offset, v, owner == null ? null : owner.floats(),
            owner == null ? 0 : owner.offsetOf(i), scale, l2);
        return;
      }
      int dataOffset = owner == null ? 0 : owner.offsetOf(i);
      double sq = 0.0;
      for (int j = 0; j < v; j++) {
        double g = (owner == null ? 0.0 : scale * owner.value(dataOffset + j)) + l2 * w[offset + j];
        sq += g * g;
        w[offset + j] = weightRule.apply(w, offset + j, g);
      }
      rowNormSq[i] = sq;
    });
    double normSq = 0.0;
    for (double s : rowNormSq) normSq += s;
    double[] db = gradient.bias();
    float[] b = model.bias();
    if (b != null) {
      for (int j = 0; j < v; j++) {
        double g = db == null ? 0.0 : scale * db[j];
        normSq += g * g;
        b[j] = biasRule.apply(b, j, g);
      }
    }
    return Math.sqrt(normSq);
  }
}
