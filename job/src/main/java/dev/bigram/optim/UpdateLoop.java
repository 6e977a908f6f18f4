package dev.bigram.optim;

import dev.bigram.loss.FactorGradient;
import dev.bigram.loss.Gradient;
import dev.bigram.loss.GradientRows;
import dev.bigram.model.BigramModel;
import dev.bigram.model.LowRank;
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

  /**
   * One element rule for the weights and the factors, one for the biases; the factors' gradient computed in the
   * optimizer's {@code workspace}.
   */
  static double apply(BigramModel model, Gradient gradient, L2 l2, Rule weightRule, Rule biasRule,
      FactorGradient.Workspace workspace) {
    return apply(model, gradient, l2, (w, offset, v, data, dataOffset, scale, l2w) -> {
      double sq = 0.0;
      for (int j = 0; j < v; j++) {
        double g = (data == null ? 0.0 : scale * data[dataOffset + j]) + l2w * w[offset + j];
        sq += g * g;
        w[offset + j] = weightRule.apply(w, offset + j, g);
      }
      return sq;
    }, weightRule, biasRule, weightRule, workspace);
  }

  /**
   * As above, with a whole-row rule for float gradients (the fast kernel; a double gradient, from the exact kernel,
   * always takes the element rule, in double) and the rule of the low-rank factors ({@link LowRank}), which follow
   * {@code W} in the weight array:
   * each gets {@code scale * data + factorStrength * value}, its data part from {@link FactorGradient} (computed
   * from the gradient rows and the factors before any of them moves, in the optimizer's {@code workspace}).
   */
  static double apply(BigramModel model, Gradient gradient, L2 penalty, RowRule floatRowRule, Rule weightRule,
      Rule biasRule, Rule factorRule, FactorGradient.Workspace workspace) {
    if (model.isSparse()) return applySparse(model, gradient, penalty, floatRowRule, weightRule, biasRule);
    int v = model.numClasses();
    float[] w = model.weights();
    double scale = gradient.scale();
    double l2 = penalty.strength();
    GradientRows[] ownerOf = gradient.ownersOf(v);
    double[] rowNormSq = new double[v];
    boolean exact = gradient.rows().stream().anyMatch(g -> !g.isFloat());
    double[] factorData = model.rank() == 0 ? null : FactorGradient.of(w, v, model.rank(), gradient, workspace);
    IntStream.range(0, v).parallel().forEach(i -> {
      GradientRows owner = ownerOf[i];
      int offset = i * v;
      if (!exact) {
        rowNormSq[i] = floatRowRule.applyRow(w, offset, v, owner == null ? null : owner.floats(),
            owner == null ? 0 : owner.offsetOf(i), scale, l2);
        return;
      }
      rowNormSq[i] = applyElements(w, offset, v, owner, owner == null ? 0 : owner.offsetOf(i), scale, l2,
          weightRule);
    });
    double normSq = 0.0;
    for (double s : rowNormSq) normSq += s;
    normSq += updateFactors(model, factorData, scale, penalty.factorStrength(), factorRule);
    return Math.sqrt(updateBias(model, gradient, biasRule, normSq));
  }

  /** Applies {@code rule} to every factor; returns the squared norm of their gradient. */
  private static double updateFactors(BigramModel model, double[] data, double scale, double l2, Rule rule) {
    if (data == null) return 0.0;
    float[] w = model.weights();
    int start = LowRank.aStart(model.numClasses());
    double sq = 0.0;
    for (int k = 0; k < data.length; k++) {
      double g = scale * data[k] + l2 * w[start + k];
      sq += g * g;
      float x = rule.apply(w, start + k, g);
      w[start + k] = Math.abs(x) < LowRank.TINY ? 0f : x;
    }
    return sq;
  }

  /**
   * The element rule over {@code w[offset .. offset + n)} with a double gradient ({@code data} from
   * {@code owner} at {@code dataOffset}, none when owner is null); returns the squared norm of the gradient.
   */
  private static double applyElements(float[] w, int offset, int n, GradientRows owner, int dataOffset,
      double scale, double l2, Rule weightRule) {
    double sq = 0.0;
    for (int k = 0; k < n; k++) {
      double g = (owner == null ? 0.0 : scale * owner.value(dataOffset + k)) + l2 * w[offset + k];
      sq += g * g;
      w[offset + k] = weightRule.apply(w, offset + k, g);
    }
    return sq;
  }

  /** Entries per piece of a sparse model's weights updated by one thread. */
  static final int PIECE = 1 << 14;

  /**
   * A sparse model's weights, entry by entry: each gradient block covers the entries of its rows, and entries
   * that no block covers (rows without training counts) get the L2 term alone. Pieces of {@link #PIECE} entries
   * are updated in parallel and their squared norms summed in entry order.
   */
  private static double applySparse(BigramModel model, Gradient gradient, L2 penalty, RowRule floatRowRule,
      Rule weightRule, Rule biasRule) {
    float[] w = model.weights();
    double scale = gradient.scale();
    double l2 = penalty.strength();
    // Segments [start, end) of the model's entries, each with its gradient block (or none) and the index of its
    // first entry in that block's array.
    java.util.List<int[]> segments = new java.util.ArrayList<>();
    java.util.List<GradientRows> owners = new java.util.ArrayList<>();
    int covered = 0;
    for (GradientRows g : gradient.rows()) {
      int first = model.pairs().rowStart(g.firstRow());
      if (model.pairs().rowStart(g.endRow()) - first != g.length()) {
        throw new IllegalArgumentException("gradient rows " + g + " have " + g.length() + " entries, the model's "
            + (model.pairs().rowStart(g.endRow()) - first));
      }
      addPieces(segments, owners, covered, first, null, 0);
      addPieces(segments, owners, first, first + g.length(), g, g.base());
      covered = first + g.length();
    }
    addPieces(segments, owners, covered, w.length, null, 0);
    double[] normSq = new double[segments.size()];
    IntStream.range(0, segments.size()).parallel().forEach(s -> {
      int[] seg = segments.get(s);
      GradientRows owner = owners.get(s);
      int from = seg[0];
      int n = seg[1] - seg[0];
      if (owner == null || owner.isFloat()) {
        normSq[s] = floatRowRule.applyRow(w, from, n, owner == null ? null : owner.floats(), seg[2], scale, l2);
        return;
      }
      normSq[s] = applyElements(w, from, n, owner, seg[2], scale, l2, weightRule);
    });
    double sum = 0.0;
    for (double s : normSq) sum += s;
    return Math.sqrt(updateBias(model, gradient, biasRule, sum));
  }

  private static void addPieces(java.util.List<int[]> segments, java.util.List<GradientRows> owners, int from,
      int to, GradientRows owner, int ownerBase) {
    for (int p = from; p < to; p += PIECE) {
      segments.add(new int[] {p, Math.min(to, p + PIECE), ownerBase + (p - from)});
      owners.add(owner);
    }
  }

  /** Updates the bias with {@code scale * db}; returns {@code normSq} plus the squared norm of its gradient. */
  private static double updateBias(BigramModel model, Gradient gradient, Rule biasRule, double normSq) {
    int v = model.numClasses();
    double scale = gradient.scale();
    double[] db = gradient.bias();
    float[] b = model.bias();
    if (b != null) {
      for (int j = 0; j < v; j++) {
        double g = db == null ? 0.0 : scale * db[j];
        normSq += g * g;
        b[j] = biasRule.apply(b, j, g);
      }
    }
    return normSq;
  }
}
