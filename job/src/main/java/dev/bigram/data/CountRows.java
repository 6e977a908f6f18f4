package dev.bigram.data;

import java.io.Serializable;

/**
 * Bigram counts of a set of context rows in compressed-row form: for the {@code r}-th stored row
 * {@code rows[r]}, the next words {@code next[start[r] .. start[r+1])} were seen {@code count[...]} times,
 * and {@code total[r]} is their sum {@code n[i]}. Rows are strictly increasing; next words within a row too.
 */
public final class CountRows implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final CountRows EMPTY = new CountRows(new int[0], new int[] {0}, new int[0], new long[0]);

  final int[] rows;
  final int[] start;
  final int[] next;
  final long[] count;
  final long[] total;

  public CountRows(int[] rows, int[] start, int[] next, long[] count) {
    if (start.length != rows.length + 1 || next.length != count.length || start[rows.length] != next.length) {
      throw new IllegalArgumentException(
          "inconsistent CSR: " + rows.length + " rows, " + start.length + " starts, " + next.length
              + " next ids, " + count.length + " counts");
    }
    this.rows = rows;
    this.start = start;
    this.next = next;
    this.count = count;
    this.total = new long[rows.length];
    for (int r = 0; r < rows.length; r++) {
      long n = 0;
      for (int k = start[r]; k < start[r + 1]; k++) {
        n += count[k];
      }
      total[r] = n;
    }
  }

  /** These counts without word {@code id}: neither its row nor any pair that predicts it. */
  public CountRows without(int id) {
    int[] r = new int[rows.length];
    int[] st = new int[rows.length + 1];
    int[] nx = new int[next.length];
    long[] ct = new long[count.length];
    int nr = 0;
    int np = 0;
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == id) continue;
      int from = np;
      for (int k = start[i]; k < start[i + 1]; k++) {
        if (next[k] == id) continue;
        nx[np] = next[k];
        ct[np++] = count[k];
      }
      if (np > from) {
        r[nr] = rows[i];
        st[nr++] = from;
      }
    }
    st[nr] = np;
    return new CountRows(java.util.Arrays.copyOf(r, nr), java.util.Arrays.copyOf(st, nr + 1),
        java.util.Arrays.copyOf(nx, np), java.util.Arrays.copyOf(ct, np));
  }

  /** Number of stored (non-empty) rows. */
  public int numRows() {
    return rows.length;
  }

  /** Number of distinct {@code (prev, next)} pairs. */
  public int numPairs() {
    return next.length;
  }

  public int row(int r) {
    return rows[r];
  }

  public long rowTotal(int r) {
    return total[r];
  }

  public int pairStart(int r) {
    return start[r];
  }

  public int pairEnd(int r) {
    return start[r + 1];
  }

  public int nextId(int k) {
    return next[k];
  }

  public long pairCount(int k) {
    return count[k];
  }

  /**
   * {@code sum_ij c[i][j] * log(c[i][j] / n[i])}: minus the unnormalized empirical conditional entropy, the
   * lowest reachable (unnormalized) cross-entropy of any model on these counts.
   */
  public double sumLogConditional() {
    double s = 0.0;
    for (int r = 0; r < rows.length; r++) {
      double logN = Math.log(total[r]);
      for (int k = start[r]; k < start[r + 1]; k++) {
        s += count[k] * (Math.log(count[k]) - logN);
      }
    }
    return s;
  }
}
