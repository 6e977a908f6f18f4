package dev.bigram.data.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.data.RowBlock;
import dev.bigram.data.RowBlocks;
import dev.bigram.testing.Occurrences.Pair;
import dev.bigram.testing.Occurrences;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kneser-Ney and add-k against plain loops over a probability table built from the raw occurrences. */
class KneserNeyTest {
  static final double TOLERANCE = 1e-12;

  /** The interpolated Kneser-Ney anchor of docs/design.md, written as directly as possible. */
  static double[][] knTable(int v, List<Pair> pairs, double d) {
    long[][] c = trainingCounts(v, pairs);
    double[] pCont = continuation(c, d);
    double[][] p = new double[v][v];
    for (int i = 0; i < v; i++) {
      long total = 0;
      int types = 0;
      for (int j = 0; j < v; j++) { total += c[i][j]; if (c[i][j] > 0) types++; }
      for (int j = 0; j < v; j++) {
        p[i][j] = total == 0 ? pCont[j] : (Math.max(c[i][j] - d, 0) + d * types * pCont[j]) / total;
      }
    }
    return p;
  }

  /** {@code c[i][j]}: how often the training occurrences hold the pair (i, j). */
  static long[][] trainingCounts(int v, List<Pair> pairs) {
    long[][] c = new long[v][v];
    for (Pair p : pairs) if (!p.validation()) c[p.prev()][p.next()]++;
    return c;
  }

  /**
   * The continuation distribution, discounted by {@code d}: how many distinct words precede {@code j}, over
   * the distinct pairs, with the discounted mass spread evenly over the vocabulary.
   */
  static double[] continuation(long[][] c, double d) {
    int v = c.length;
    int[] preceding = new int[v];
    long distinct = 0;
    for (int i = 0; i < v; i++) for (int j = 0; j < v; j++) if (c[i][j] > 0) { preceding[j]++; distinct++; }
    int continued = 0;
    for (int j = 0; j < v; j++) if (preceding[j] > 0) continued++;
    double[] pCont = new double[v];
    for (int j = 0; j < v; j++) {
      pCont[j] = Math.max(preceding[j] - d, 0) / distinct + d * continued / (double) distinct / v;
    }
    return pCont;
  }

  static double heldOut(double[][] p, List<Pair> pairs) {
    double s = 0;
    long n = 0;
    for (Pair q : pairs) {
      if (q.validation()) { s -= Math.log(p[q.prev()][q.next()]); n++; }
    }
    return s / n;
  }

  static double[] sums(List<RowBlock> blocks, java.util.function.Function<RowBlock, double[]> f) {
    double[] total = null;
    for (RowBlock b : blocks) total = total == null ? f.apply(b) : KneserNey.add(total, f.apply(b));
    return total;
  }

  @Test
  void kneserNeyMatchesTheTableAndEveryRowSumsToOne() {
    int v = 19;
    List<Pair> pairs = Occurrences.random(v, 700, 0.25, 99);
    List<RowBlock> blocks = Occurrences.blocks(pairs, new RowBlocks(v, 3));
    ContinuationCounts cc = null;
    for (RowBlock b : blocks) {
      ContinuationCounts one = ContinuationCounts.of(b.train(), v);
      cc = cc == null ? one : cc.merge(one);
    }
    double[] discounts = {0.1, 0.5, 0.75, 0.99};
    ContinuationCounts all = cc;
    double[] s = sums(blocks, b -> KneserNey.heldOutSums(b, all, discounts));
    for (int i = 0; i < discounts.length; i++) {
      double[][] table = knTable(v, pairs, discounts[i]);
      for (int row = 0; row < v; row++) {
        double rowSum = 0;
        for (double x : table[row]) rowSum += x;
        assertEquals(1.0, rowSum, 1e-12, "p(. | " + row + ") with D = " + discounts[i]);
      }
      assertEquals(heldOut(table, pairs), s[i] / s[discounts.length], TOLERANCE, "D = " + discounts[i]);
    }
  }

  @Test
  void addKMatchesItsFormulaAndBeatsNeitherExtreme() {
    int v = 13;
    List<Pair> pairs = Occurrences.random(v, 500, 0.3, 7);
    List<RowBlock> blocks = Occurrences.blocks(pairs, new RowBlocks(v, 2));
    double[] ks = {1e-4, 0.1, 1.0, 100.0};
    double[] s = sums(blocks, b -> AddK.heldOutSums(b, v, ks));
    long[][] c = trainingCounts(v, pairs);
    for (int i = 0; i < ks.length; i++) {
      double[][] table = new double[v][v];
      for (int row = 0; row < v; row++) {
        long total = 0;
        for (long x : c[row]) total += x;
        for (int j = 0; j < v; j++) table[row][j] = (c[row][j] + ks[i]) / (total + ks[i] * v);
      }
      assertEquals(heldOut(table, pairs), s[i] / s[ks.length], TOLERANCE, "k = " + ks[i]);
    }
    // A tiny k starves unseen pairs and a huge one flattens everything: the middle of the grid wins.
    assertTrue(s[1] < s[0] && s[1] < s[3], "k = 0.1 should beat both extremes: " + java.util.Arrays.toString(s));
  }
}
