package dev.bigram.loss;

import dev.bigram.data.CountRows;
import dev.bigram.data.RowBlock;
import dev.bigram.model.LowRank;
import dev.bigram.model.SparseSoftmax;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Exact full-batch cross-entropy and gradient of the bigram softmax model, computed from counts.
 *
 * <p>For a context row {@code i} with counts {@code c[i][j]}, total {@code n[i]} and logits
 * {@code z = W[i] + b}:
 *
 * <pre>
 *   loss_i   = n[i] * logsumexp(z) - sum_j c[i][j] * z[j]
 *   dW[i][j] = n[i] * p(j|i) - c[i][j]
 *   db[j]    = sum_i dW[i][j]
 * </pre>
 *
 * With low-rank factors ({@code dev.bigram.model.LowRank}) the logits are {@code z = W[i] + A[i] B + b}: each
 * row's logit weights are formed once, in float, and the kernel runs on them as on a row of {@code W}. The rows
 * written are {@code dW}, which is also the gradient with respect to the logits; the factors' gradients
 * {@code dA = dW B^T} and {@code dB = A^T dW} follow from them ({@link FactorGradient}).
 *
 * <p>Sums are kept unnormalized; {@link #loss()} and {@link #gradient()} divide by {@code N}, the number of
 * training occurrences. Gradient rows are kept per block ({@link GradientRows}); blocks own disjoint rows, so
 * {@link #merge} concatenates them and sums the scalars and {@code db}. Validation counts are evaluated with the
 * same log-sum-exp but contribute no gradient.
 *
 * <p>Plain and serializable: the Spark side ({@code dev.bigram.train.DistributedLoss}) only ships it.
 */
public final class BigramLossAggregator implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int numClasses;
  private final boolean withGradient;
  private final Kernel kernel;
  private double lossSum;
  private long count;
  private double validationLossSum;
  private long validationCount;
  /** Unnormalized {@code db}; null until a training row with a bias is added. */
  private double[] biasGradient;
  private final ArrayList<GradientRows> gradientRows = new ArrayList<>();

  public BigramLossAggregator(int numClasses, boolean withGradient, Kernel kernel) {
    this.numClasses = numClasses;
    this.withGradient = withGradient;
    this.kernel = kernel;
  }

  /** Adds every training and validation row of one block, evaluated at the given weights. */
  public BigramLossAggregator add(RowBlock block, WeightRows weights) {
    return add(block, weights, null);
  }

  /**
   * As {@link #add(RowBlock, WeightRows)}; with a {@link Kernel#FAST} kernel and a non-null
   * {@code sharedGradient} (a full {@code V x V} buffer of the driver, written by the driver's own threads),
   * the block's gradient rows are written into that buffer instead of a new array (see
   * {@link GradientRows#sharedView}).
   */
  public BigramLossAggregator add(RowBlock block, WeightRows weights, float[] sharedGradient) {
    if (!weights.covers(block.firstRow(), block.endRow()) || weights.numClasses() != numClasses) {
      throw new IllegalArgumentException(
          "weights rows [" + weights.firstRow() + ", " + (weights.firstRow() + weights.numRows())
              + ") x " + weights.numClasses() + " do not cover block rows [" + block.firstRow() + ", "
              + block.endRow() + ") x " + numClasses);
    }
    if (weights.isSparse()) return addSparse(block, weights, sharedGradient);
    RowMath math = kernel.newRowMath(numClasses);
    GradientRows grad = null;
    if (withGradient) {
      grad = sharedGradient != null && math.floatGradient()
          ? GradientRows.sharedView(sharedGradient, block.firstRow(), block.numRows(), numClasses)
          : new GradientRows(block.firstRow(), block.numRows(), numClasses, math.floatGradient());
    }
    int zeroFrom = block.firstRow();
    float[] w = weights.weights();
    float[] logits = weights.rank() > 0 ? new float[numClasses] : null;
    float[] b = weights.bias();
    CountRows train = block.train();
    CountRows val = block.validation();
    int t = 0;
    int v = 0;
    // Walk the union of training and validation rows in order; one softmax per row serves both.
    while (t < train.numRows() || v < val.numRows()) {
      int tr = t < train.numRows() ? train.row(t) : Integer.MAX_VALUE;
      int vr = v < val.numRows() ? val.row(v) : Integer.MAX_VALUE;
      int row = Math.min(tr, vr);
      float[] rowW = w;
      int wOff = weights.offsetOf(row);
      if (logits != null) {
        weights.logitRow(row, logits);
        rowW = logits;
        wOff = 0;
      }
      double lse = math.prepare(rowW, wOff, b);
      if (vr == row) {
        validationLossSum += rowLoss(val, v, rowW, wOff, b, lse);
        validationCount += val.rowTotal(v);
        v++;
      }
      if (tr == row) {
        lossSum += rowLoss(train, t, rowW, wOff, b, lse);
        count += train.rowTotal(t);
        if (grad != null) {
          if (grad.isShared()) grad.zeroRows(zeroFrom, row);
          zeroFrom = row + 1;
          if (b != null && biasGradient == null) biasGradient = new double[numClasses];
          math.writeGradient(train, t, grad, grad.offsetOf(row), b == null ? null : biasGradient);
          if (logits != null && grad.isFloat()) {
            LowRank.flushTiny(grad.floats(), grad.offsetOf(row), grad.offsetOf(row) + numClasses);
          }
        }
        t++;
      }
    }
    if (grad != null) {
      if (grad.isShared()) grad.zeroRows(zeroFrom, block.endRow());
      gradientRows.add(grad);
    }
    return this;
  }

  /**
   * The sparse model's rows ({@link SparseSoftmax}): {@code O(V)} once for the bias, then {@code O(|S_i| +
   * pairs counted)} per row. The gradient has one entry per pair of the model's rows; the bias gradient
   *
   * <pre>
   *   db_j = e_j * sum_i n_i / Z'_i  +  sum_{i : j in S_i} n_i e_j expm1(w_ij) / Z'_i  -  c_.j
   * </pre>
   *
   * is complete for this block once its first term is added at the end, so merging sums it like the dense one.
   * Counted pairs without a weight (held-out pairs in {@code evaluate}, validation pairs) score {@code b_j}.
   */
  private BigramLossAggregator addSparse(RowBlock block, WeightRows weights, float[] sharedGradient) {
    float[] w = weights.weights();
    int[] cols = weights.columns();
    float[] b = weights.bias();
    SparseSoftmax.BiasExp be = SparseSoftmax.BiasExp.of(b, numClasses);
    double[] e = be.exp();
    boolean floatGradient = kernel == Kernel.FAST;
    int firstEntry = weights.entryStart(block.firstRow());
    int length = weights.entryStart(block.endRow()) - firstEntry;
    GradientRows grad = null;
    if (withGradient) {
      grad = sharedGradient != null && floatGradient
          ? GradientRows.sharedSparse(sharedGradient, block.firstRow(), block.numRows(), numClasses, firstEntry,
              length)
          : GradientRows.sparse(block.firstRow(), block.numRows(), numClasses, length, floatGradient);
      if (b != null && biasGradient == null) biasGradient = new double[numClasses];
    }
    // Index in the gradient's array of model entry k.
    int shift = grad == null ? 0 : grad.base() - firstEntry;
    double inverseZ = 0.0;
    CountRows train = block.train();
    CountRows val = block.validation();
    int t = 0;
    int v = 0;
    while (t < train.numRows() || v < val.numRows()) {
      int tr = t < train.numRows() ? train.row(t) : Integer.MAX_VALUE;
      int vr = v < val.numRows() ? val.row(v) : Integer.MAX_VALUE;
      int row = Math.min(tr, vr);
      int from = weights.entryStart(row);
      int to = weights.entryEnd(row);
      double z = SparseSoftmax.scaledPartition(be, cols, w, from, to);
      double logZ = be.max() + Math.log(z);
      if (vr == row) {
        validationLossSum += sparseRowLoss(val, v, cols, w, from, to, b, logZ);
        validationCount += val.rowTotal(v);
        v++;
      }
      if (tr == row) {
        lossSum += sparseRowLoss(train, t, cols, w, from, to, b, logZ);
        long n = train.rowTotal(t);
        count += n;
        if (grad != null) {
          inverseZ += n / z;
          int q = train.pairStart(t);
          int qEnd = train.pairEnd(t);
          for (int k = from; k < to; k++) {
            int j = cols[k];
            while (q < qEnd && train.nextId(q) < j) {
              if (biasGradient != null) biasGradient[train.nextId(q)] -= train.pairCount(q);
              q++;
            }
            long c = 0;
            if (q < qEnd && train.nextId(q) == j) c = train.pairCount(q++);
            double ej = e[j] * n / z;
            double g = ej * Math.exp(w[k]) - c;
            if (floatGradient) grad.floats()[k + shift] = (float) g;
            else grad.doubles()[k + shift] = g;
            if (biasGradient != null) biasGradient[j] += ej * Math.expm1(w[k]) - c;
          }
          for (; q < qEnd; q++) {
            if (biasGradient != null) biasGradient[train.nextId(q)] -= train.pairCount(q);
          }
        }
        t++;
      }
    }
    if (biasGradient != null && inverseZ != 0.0) {
      for (int j = 0; j < numClasses; j++) biasGradient[j] += e[j] * inverseZ;
    }
    if (grad != null) gradientRows.add(grad);
    return this;
  }

  /** {@code n log Z - sum_k c_k s_k}: {@code s = b_j + w_ij} for a pair with a weight, {@code b_j} otherwise. */
  private static double sparseRowLoss(CountRows rows, int r, int[] cols, float[] w, int from, int to, float[] b,
      double logZ) {
    double dot = 0.0;
    int k = from;
    for (int q = rows.pairStart(r); q < rows.pairEnd(r); q++) {
      int j = rows.nextId(q);
      while (k < to && cols[k] < j) k++;
      double s = b == null ? 0.0 : b[j];
      if (k < to && cols[k] == j) s += w[k];
      dot += rows.pairCount(q) * s;
    }
    return rows.rowTotal(r) * logZ - dot;
  }

  /** {@code n * lse - sum_k c_k z_k}, with the observed logits {@code z_k = W[i][k] + b[k]} in double. */
  private static double rowLoss(CountRows rows, int r, float[] w, int wOff, float[] b, double lse) {
    double dot = 0.0;
    for (int k = rows.pairStart(r); k < rows.pairEnd(r); k++) {
      int j = rows.nextId(k);
      double z = b == null ? w[wOff + j] : (double) w[wOff + j] + b[j];
      dot += rows.pairCount(k) * z;
    }
    return rows.rowTotal(r) * lse - dot;
  }

  /** Sums losses and {@code db}; concatenates gradient rows, which must not overlap. */
  public BigramLossAggregator merge(BigramLossAggregator other) {
    if (other.numClasses != numClasses || other.withGradient != withGradient || other.kernel != kernel) {
      throw new IllegalArgumentException(
          "cannot merge V=" + other.numClasses + " (gradient " + other.withGradient + ", " + other.kernel
              + ") into V=" + numClasses + " (gradient " + withGradient + ", " + kernel + ")");
    }
    lossSum += other.lossSum;
    count += other.count;
    validationLossSum += other.validationLossSum;
    validationCount += other.validationCount;
    if (other.biasGradient != null) {
      if (biasGradient == null) {
        biasGradient = other.biasGradient.clone();
      } else {
        for (int j = 0; j < numClasses; j++) biasGradient[j] += other.biasGradient[j];
      }
    }
    for (GradientRows g : other.gradientRows) {
      for (GradientRows mine : gradientRows) {
        if (g.overlaps(mine)) {
          throw new IllegalStateException("gradient rows " + g + " and " + mine + " overlap: a row has two owners");
        }
      }
      gradientRows.add(g);
    }
    return this;
  }

  public int numClasses() {
    return numClasses;
  }

  public Kernel kernel() {
    return kernel;
  }

  /** Training occurrences {@code N} seen so far. */
  public long count() {
    return count;
  }

  /** Mean training cross-entropy in nats, {@code NaN} when no training row was added. */
  public double loss() {
    return count == 0 ? Double.NaN : lossSum / count;
  }

  /** Mean validation cross-entropy in nats, {@code NaN} without validation data. */
  public double validationLoss() {
    return validationCount == 0 ? Double.NaN : validationLossSum / validationCount;
  }

  /** The merged gradient of the mean training loss: rows sorted by first row, {@code db}, and {@code 1 / N}. */
  public Gradient gradient() {
    List<GradientRows> sorted = new ArrayList<>(gradientRows);
    sorted.sort(Comparator.comparingInt(GradientRows::firstRow));
    return new Gradient(sorted, biasGradient, count == 0 ? 0.0 : 1.0 / count);
  }

  /** Bytes of gradient payload this aggregator carries. */
  public long payloadBytes() {
    long bytes = biasGradient == null ? 0 : 8L * numClasses;
    for (GradientRows g : gradientRows) bytes += g.payloadBytes();
    return bytes;
  }
}
