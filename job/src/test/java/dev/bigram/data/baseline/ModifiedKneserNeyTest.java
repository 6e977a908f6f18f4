package dev.bigram.data.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.data.CountRows;
import dev.bigram.data.RowBlock;
import dev.bigram.data.RowBlocks;
import dev.bigram.data.baseline.ModifiedKneserNey.Discounts;
import dev.bigram.testing.Occurrences.Pair;
import dev.bigram.testing.Occurrences;
import dev.bigram.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * Modified Kneser-Ney against a table worked out by hand, against plain loops over the raw occurrences, and its
 * closed-form discounts against count-of-counts worked out by hand.
 */
class ModifiedKneserNeyTest extends SparkTestBase {
  static final double TOLERANCE = 1e-12;

  /** Training occurrences {@code prev, next, times} of the hand-worked corpus (V = 5; word 4 never precedes). */
  static final int[][] TINY = {
      {0, 1, 3}, {0, 2, 2}, {0, 3, 1},
      {1, 0, 1}, {1, 2, 1},
      {2, 0, 2}, {2, 2, 4},
      {3, 1, 1}};

  /**
   * p(w | v) of the tiny corpus with D1 = 0.5, D2 = 1, D3+ = 1.5, worked out by hand. Continuation counts
   * N1+(. w) = 2, 2, 3, 1, 0 over 8 distinct bigrams and 4 continued words, so
   * p_cont(w) = max(N1+(. w) - 0.5, 0) / 8 + 0.5 * 4 / 8 / 5 = 0.2375, 0.2375, 0.3625, 0.1125, 0.05.
   */
  static double[][] handTable() {
    double[] cont = {0.2375, 0.2375, 0.3625, 0.1125, 0.05};
    // Row 0: c = 6, counts 3, 2, 1 → gamma = (1.5 + 1 + 0.5) / 6 = 0.5.
    double g0 = 0.5;
    // Row 1: c = 2, counts 1, 1 → gamma = (0.5 + 0.5) / 2 = 0.5.
    double g1 = 0.5;
    // Row 2: c = 6, counts 2, 4 → gamma = (1 + 1.5) / 6 = 5/12.
    double g2 = 5.0 / 12;
    // Row 3: c = 1, count 1 → gamma = 0.5 / 1.
    double g3 = 0.5;
    return new double[][] {
        {g0 * cont[0], (3 - 1.5) / 6 + g0 * cont[1], (2 - 1.0) / 6 + g0 * cont[2], (1 - 0.5) / 6 + g0 * cont[3],
            g0 * cont[4]},
        {(1 - 0.5) / 2 + g1 * cont[0], g1 * cont[1], (1 - 0.5) / 2 + g1 * cont[2], g1 * cont[3], g1 * cont[4]},
        {(2 - 1.0) / 6 + g2 * cont[0], g2 * cont[1], (4 - 1.5) / 6 + g2 * cont[2], g2 * cont[3], g2 * cont[4]},
        {g3 * cont[0], (1 - 0.5) / 1 + g3 * cont[1], g3 * cont[2], g3 * cont[3], g3 * cont[4]},
        cont.clone()};
  }

  /** The tiny corpus's training occurrences, and every one of the 25 pairs once as held-out text. */
  static List<Pair> tinyCorpus() {
    List<Pair> pairs = new ArrayList<>();
    for (int[] t : TINY) for (int i = 0; i < t[2]; i++) pairs.add(new Pair(t[0], t[1], false));
    for (int v = 0; v < 5; v++) for (int w = 0; w < 5; w++) pairs.add(new Pair(v, w, true));
    return pairs;
  }

  static ContinuationCounts continuation(List<RowBlock> blocks, int v) {
    ContinuationCounts cc = null;
    for (RowBlock b : blocks) {
      ContinuationCounts one = ContinuationCounts.of(b.train(), v);
      cc = cc == null ? one : cc.merge(one);
    }
    return cc;
  }

  @Test
  void modifiedKneserNeyGivesTheHandWorkedTableAndEveryRowSumsToOne() {
    Discounts d = new Discounts(0.5, 1.0, 1.5);
    List<Pair> pairs = tinyCorpus();
    // One row per block, so that each block's held-out pairs are the row of its first row.
    List<RowBlock> blocks = Occurrences.blocks(pairs, new RowBlocks(5, 5));
    ContinuationCounts cc = continuation(blocks, 5);
    double[][] expected = handTable();
    double[][] got = new double[5][5];
    for (RowBlock b : blocks) {
      assertEquals(1, b.numRows());
      int row = b.firstRow();
      HeldOutBlocks.joinByCountClass(b, (seen, total, once, twice, more, next, c, weight) ->
          got[row][next] = ModifiedKneserNey.probability(d, cc.probability(next, d.one()), seen, total, once, twice,
              more, c));
    }
    for (int v = 0; v < 5; v++) {
      double rowSum = 0;
      for (int w = 0; w < 5; w++) {
        assertEquals(expected[v][w], got[v][w], TOLERANCE, "p(" + w + " | " + v + ")");
        rowSum += got[v][w];
      }
      assertEquals(1.0, rowSum, TOLERANCE, "p(. | " + v + ")");
    }
    // The held-out sums score the same table: each of the 25 pairs once.
    double[] s = KneserNeyTest.sums(blocks, b -> ModifiedKneserNey.heldOutSums(b, cc, new Discounts[] {d}));
    double expectedSum = 0;
    for (double[] row : expected) for (double p : row) expectedSum -= Math.log(p);
    assertEquals(25.0, s[1]);
    assertEquals(expectedSum / 25, s[0] / s[1], TOLERANCE);
  }

  @Test
  void theCountOfCountsOfTheHandWorkedCorpusAreItsPairsSeenOnceTwiceThreeAndFourTimes() {
    List<RowBlock> blocks = Occurrences.blocks(tinyCorpus(), new RowBlocks(5, 2));
    long[] n = new long[4];
    for (RowBlock b : blocks) {
      long[] one = ModifiedKneserNey.countOfCounts(b.train());
      for (int i = 0; i < 4; i++) n[i] += one[i];
    }
    // Counts 3, 2, 1, 1, 1, 2, 4, 1.
    assertArrayEquals(new long[] {4, 2, 1, 1}, n);
  }

  @Test
  void closedFormDiscountsFollowChenAndGoodman() {
    // n1..n4 = 100, 40, 20, 10: Y = 100 / 180 = 5/9, D1 = 1 - 2 (5/9)(40/100) = 5/9,
    // D2 = 2 - 3 (5/9)(20/40) = 7/6, D3+ = 3 - 4 (5/9)(10/20) = 17/9.
    Discounts d = Discounts.closedForm(100, 40, 20, 10);
    assertEquals(5.0 / 9, d.one(), TOLERANCE);
    assertEquals(7.0 / 6, d.two(), TOLERANCE);
    assertEquals(17.0 / 9, d.threeOrMore(), TOLERANCE);
    // n1..n4 = 3000, 1000, 500, 300: Y = 0.6, D1 = 0.6, D2 = 2 - 3 * 0.6 * 0.5 = 1.1, D3+ = 3 - 4 * 0.6 * 0.6 = 1.56.
    Discounts e = Discounts.closedForm(new long[] {3000, 1000, 500, 300});
    assertEquals(0.6, e.one(), TOLERANCE);
    assertEquals(1.1, e.two(), TOLERANCE);
    assertEquals(1.56, e.threeOrMore(), TOLERANCE);
  }

  @Test
  void closedFormDiscountsFallBackWithoutCountsAndStayInsideTheirRange() {
    Discounts textbook = new Discounts(Baselines.DEFAULT_DISCOUNT, Baselines.DEFAULT_DISCOUNT,
        Baselines.DEFAULT_DISCOUNT);
    assertEquals(textbook, Discounts.closedForm(0, 0, 0, 0), "no bigrams");
    assertEquals(textbook, Discounts.closedForm(0, 10, 5, 1), "no pair seen once (a corpus repeated twice)");
    assertEquals(textbook, Discounts.closedForm(10, 0, 5, 1), "no pair seen twice");
    // No pair seen three times: D3+ takes D2. n1, n2 = 10, 5: Y = 0.5, D1 = 0.5, D2 = 2.
    Discounts noThrees = Discounts.closedForm(10, 5, 0, 7);
    assertEquals(0.5, noThrees.one(), TOLERANCE);
    assertEquals(2 - ModifiedKneserNey.MARGIN, noThrees.two(), TOLERANCE, "D2 = 2, clamped below 2");
    assertEquals(noThrees.two(), noThrees.threeOrMore(), TOLERANCE);
    // Estimates below zero are clamped up: n1..n4 = 10, 1, 100, 1000 → Y = 10/12, D2 = 2 - 250, D3+ = 3 - 33.3.
    Discounts negative = Discounts.closedForm(10, 1, 100, 1000);
    assertEquals(ModifiedKneserNey.MARGIN, negative.two(), TOLERANCE);
    assertEquals(ModifiedKneserNey.MARGIN, negative.threeOrMore(), TOLERANCE);
    // Without pairs seen four times D3+ = 3, clamped below 3.
    assertEquals(3 - ModifiedKneserNey.MARGIN, Discounts.closedForm(10, 5, 2, 0).threeOrMore(), TOLERANCE);
  }

  @Test
  void discountsOutsideTheirRangeAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Discounts(0, 1, 1.5));
    assertThrows(IllegalArgumentException.class, () -> new Discounts(1, 1, 1.5), "D1 = 1 empties p_cont's words");
    assertThrows(IllegalArgumentException.class, () -> new Discounts(0.5, 2, 1.5));
    assertThrows(IllegalArgumentException.class, () -> new Discounts(0.5, 1, 3));
    assertThrows(IllegalArgumentException.class, () -> new Discounts(Double.NaN, 1, 1.5));
  }

  /** Modified Kneser-Ney written as directly as possible from docs/design.md, over raw occurrences. */
  static double[][] mknTable(int v, List<Pair> pairs, Discounts d) {
    long[][] c = KneserNeyTest.trainingCounts(v, pairs);
    double[] pCont = KneserNeyTest.continuation(c, d.one());
    double[][] p = new double[v][v];
    for (int i = 0; i < v; i++) {
      long total = 0;
      double gamma = 0;
      for (int j = 0; j < v; j++) {
        total += c[i][j];
        if (c[i][j] == 1) gamma += d.one();
        else if (c[i][j] == 2) gamma += d.two();
        else if (c[i][j] >= 3) gamma += d.threeOrMore();
      }
      for (int j = 0; j < v; j++) {
        double discount = c[i][j] == 0 ? 0 : c[i][j] == 1 ? d.one() : c[i][j] == 2 ? d.two() : d.threeOrMore();
        p[i][j] = total == 0 ? pCont[j] : (c[i][j] - discount + gamma * pCont[j]) / total;
      }
    }
    return p;
  }

  /** The count-of-counts n1..n4 of the training occurrences, by plain loops. */
  static long[] countOfCounts(int v, List<Pair> pairs) {
    long[] n = new long[4];
    for (long[] row : KneserNeyTest.trainingCounts(v, pairs)) for (long x : row) if (x >= 1 && x <= 4) n[(int) x - 1]++;
    return n;
  }

  @Test
  void heldOutSumsMatchThePlainLoopTableAndEveryRowSumsToOne() {
    int v = 19;
    List<Pair> pairs = Occurrences.random(v, 900, 0.25, 41);
    List<RowBlock> blocks = Occurrences.blocks(pairs, new RowBlocks(v, 3));
    ContinuationCounts cc = continuation(blocks, v);
    Discounts[] ds = {Discounts.closedForm(countOfCounts(v, pairs)), new Discounts(0.1, 0.2, 0.3),
        new Discounts(0.9, 1.9, 2.9)};
    double[] s = KneserNeyTest.sums(blocks, b -> ModifiedKneserNey.heldOutSums(b, cc, ds));
    for (int i = 0; i < ds.length; i++) {
      double[][] table = mknTable(v, pairs, ds[i]);
      for (int row = 0; row < v; row++) {
        double rowSum = 0;
        for (double x : table[row]) rowSum += x;
        assertEquals(1.0, rowSum, TOLERANCE, "p(. | " + row + ") with " + ds[i]);
      }
      assertEquals(KneserNeyTest.heldOut(table, pairs), s[i] / s[ds.length], TOLERANCE, ds[i].toString());
    }
  }

  @Test
  void scaledDiscountsAreClampedAndTheGridHoldsTheClosedFormItself() {
    Discounts d = new Discounts(0.6, 1.1, 1.5);
    Discounts twice = d.scaled(2);
    assertEquals(1 - ModifiedKneserNey.MARGIN, twice.one(), TOLERANCE);
    assertEquals(2 - ModifiedKneserNey.MARGIN, twice.two(), TOLERANCE);
    assertEquals(3 - ModifiedKneserNey.MARGIN, twice.threeOrMore(), TOLERANCE);
    assertEquals(0.3, d.scaled(0.5).one(), TOLERANCE);
    double[] grid = ModifiedKneserNey.scaleGrid();
    assertEquals(0.5, grid[0]);
    assertEquals(1.5, grid[grid.length - 1]);
    assertEquals(1.0, grid[ModifiedKneserNey.SCALE_STEPS_PER_UNIT / 2]);
  }

  @Test
  void sparkFitAndEvaluatePathGiveThePlainLoopCrossEntropy() {
    int v = 23;
    List<Pair> pairs = Occurrences.random(v, 1500, 0.2, 5);
    Discounts closedForm = Discounts.closedForm(countOfCounts(v, pairs));
    // The plain-loop choice: the scale of the closed form with the lowest held-out cross-entropy.
    double[] scales = ModifiedKneserNey.scaleGrid();
    int best = ModifiedKneserNey.SCALE_STEPS_PER_UNIT / 2;
    double[] plain = new double[scales.length];
    for (int i = 0; i < scales.length; i++) {
      plain[i] = KneserNeyTest.heldOut(mknTable(v, pairs, closedForm.scaled(scales[i])), pairs);
      if (plain[i] < plain[best]) best = i;
    }
    double expected = plain[best];
    int numBlocks = 4;

    // Training: the data pass's blocks, training and validation side by side.
    JavaRDD<RowBlock> blocks = jsc.parallelize(Occurrences.blocks(pairs, new RowBlocks(v, numBlocks)), numBlocks);
    ModifiedKneserNey.Fit fit = ModifiedKneserNey.fit(blocks, v);
    assertEquals(scales[best], fit.scale());
    assertEquals(closedForm.scaled(scales[best]), fit.discounts());
    assertEquals(expected, fit.crossEntropy(), 1e-9 * expected);
    assertTrue(fit.crossEntropy() <= plain[ModifiedKneserNey.SCALE_STEPS_PER_UNIT / 2] * (1 + 1e-9),
        "never worse on the held-out counts than the closed form");

    // evaluate: the training counts as counts/ rows, the held-out text as the blocks of the scored corpus.
    List<Row> counts = new ArrayList<>();
    for (RowBlock b : Occurrences.blocks(pairs, new RowBlocks(v, numBlocks))) {
      CountRows t = b.train();
      for (int r = 0; r < t.numRows(); r++) {
        for (int k = t.pairStart(r); k < t.pairEnd(r); k++) {
          counts.add(RowFactory.create(t.row(r), t.nextId(k), t.pairCount(k)));
        }
      }
    }
    List<Pair> scored = pairs.stream().filter(Pair::validation).map(p -> new Pair(p.prev(), p.next(), false)).toList();
    JavaRDD<RowBlock> joint = HeldOutBlocks.build(jsc.parallelize(counts, 3),
        jsc.parallelize(Occurrences.blocks(scored, new RowBlocks(v, numBlocks)), numBlocks), v, numBlocks);
    try {
      assertEquals(closedForm, ModifiedKneserNey.estimate(joint), "the closed form recomputed from counts/");
      assertEquals(expected, ModifiedKneserNey.crossEntropy(joint, v, fit.discounts()), 1e-9 * expected);
      double closed = plain[ModifiedKneserNey.SCALE_STEPS_PER_UNIT / 2];
      assertEquals(closed, ModifiedKneserNey.crossEntropy(joint, v, closedForm), 1e-9 * closed);
    } finally {
      joint.unpersist(false);
    }
  }
}
