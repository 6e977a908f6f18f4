package dev.bigram.data;

import org.apache.spark.Partitioner;

/**
 * Splits the rows {@code [0, V)} of {@code W} into {@code P} contiguous blocks of {@code ceil(V / P)} rows, and
 * routes each bigram key to the block of its previous word. Counter keys (negative) go to block 0.
 *
 * <p>A bigram key is {@code ((prev * V) + next) * 2 + split}, split 1 for validation.
 */
public final class RowBlocks extends Partitioner {
  private static final long serialVersionUID = 1L;

  private final int numClasses;
  private final int numBlocks;
  private final int rowsPerBlock;

  public RowBlocks(int numClasses, int numBlocks) {
    if (numBlocks < 1) throw new IllegalArgumentException("numBlocks must be >= 1, got " + numBlocks);
    this.numClasses = numClasses;
    this.numBlocks = numBlocks;
    this.rowsPerBlock = Math.max(1, (numClasses + numBlocks - 1) / numBlocks);
  }

  public static long key(int prev, int next, boolean validation, int numClasses) {
    return (((long) prev * numClasses) + next) * 2 + (validation ? 1 : 0);
  }

  public static int prevOf(long key, int numClasses) {
    return (int) ((key >>> 1) / numClasses);
  }

  public static int nextOf(long key, int numClasses) {
    return (int) ((key >>> 1) % numClasses);
  }

  public static boolean isValidation(long key) {
    return (key & 1L) == 1L;
  }

  public int firstRow(int block) {
    return Math.min(numClasses, block * rowsPerBlock);
  }

  public int endRow(int block) {
    return Math.min(numClasses, (block + 1) * rowsPerBlock);
  }

  public int blockOfRow(int row) {
    return row / rowsPerBlock;
  }

  public int numClasses() {
    return numClasses;
  }

  @Override
  public int numPartitions() {
    return numBlocks;
  }

  @Override
  public int getPartition(Object key) {
    long k = (Long) key;
    return k < 0 ? 0 : blockOfRow(prevOf(k, numClasses));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RowBlocks r && r.numClasses == numClasses && r.numBlocks == numBlocks;
  }

  @Override
  public int hashCode() {
    return numClasses * 31 + numBlocks;
  }
}
