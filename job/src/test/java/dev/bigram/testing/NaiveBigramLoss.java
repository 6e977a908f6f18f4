package dev.bigram.testing;

import dev.bigram.testing.Occurrences.Pair;
import java.util.List;

/**
 * The exercise's per-example formulation, in plain double loops: for every raw occurrence, the softmax of its
 * row, {@code -log p(next | prev)}, and the gradient {@code p - onehot(next)}. The reference the aggregator
 * must match.
 */
public final class NaiveBigramLoss {
  public final double loss;
  public final double validationLoss;
  public final double[][] gradW;
  public final double[] gradB;
  public final long count;

  public NaiveBigramLoss(double[][] w, double[] b, List<Pair> pairs) {
    int v = w.length;
    double lossSum = 0;
    double valSum = 0;
    long n = 0;
    long nv = 0;
    gradW = new double[v][v];
    gradB = new double[v];
    for (Pair pair : pairs) {
      double[] z = new double[v];
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < v; j++) {
        z[j] = w[pair.prev()][j] + (b == null ? 0 : b[j]);
        max = Math.max(max, z[j]);
      }
      double sum = 0;
      for (int j = 0; j < v; j++) sum += Math.exp(z[j] - max);
      double logP = z[pair.next()] - max - Math.log(sum);
      if (pair.validation()) {
        valSum -= logP;
        nv++;
        continue;
      }
      lossSum -= logP;
      n++;
      for (int j = 0; j < v; j++) {
        double g = Math.exp(z[j] - max) / sum - (j == pair.next() ? 1 : 0);
        gradW[pair.prev()][j] += g;
        if (b != null) gradB[j] += g;
      }
    }
    for (int i = 0; i < v; i++) for (int j = 0; j < v; j++) gradW[i][j] /= n;
    for (int j = 0; j < v; j++) gradB[j] /= n;
    loss = lossSum / n;
    validationLoss = nv == 0 ? Double.NaN : valSum / nv;
    count = n;
  }

  /** Mean training loss only, for finite differences. */
  public static double loss(double[][] w, double[] b, List<Pair> pairs) {
    return new NaiveBigramLoss(w, b, pairs).loss;
  }
}
