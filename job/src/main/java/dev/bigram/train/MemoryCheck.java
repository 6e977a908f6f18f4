package dev.bigram.train;

import dev.bigram.model.BigramModel;
import org.apache.spark.SparkConf;
import org.apache.spark.network.util.JavaUtils;

/**
 * Refuses, before any work, a vocabulary whose matrices cannot fit the driver. The driver always holds
 * {@code W} and the best epoch's copy (float) and Adam's two moments (float). Then, by where the epochs run
 * ({@link Exchange}):
 *
 * <ul>
 *   <li>on the driver's cores (the default, in local mode and on a cluster): the gradient the evaluation
 *       writes, float with the fast kernel (20 bytes per weight with Adam: 2.0 GB at {@code V = 10,000}, 8.0 GB
 *       at 20,000), double rows with the exact one;</li>
 *   <li>through Spark's broadcast and task results: the broadcast's serialized pieces (float), the merged
 *       gradient (float with the fast kernel, double with the exact one) and, transiently, its serialized form.
 *       28 bytes per weight with Adam and the fast kernel.</li>
 * </ul>
 *
 * <p>With {@code train.l2 = auto} the figure is the same: each trial takes over the best trial's arrays, and the
 * best trial waits on the driver's disk while a later one trains. The bigram counts the driver's cores read (a few
 * bytes per distinct pair) are left out.
 */
public final class MemoryCheck {
  private MemoryCheck() {}

  /**
   * Bytes per matrix entry the driver needs at peak.
   *
   * @param exchange where the epochs run
   * @param exactKernel the gradient is double ({@code train.kernel = exact})
   */
  static int bytesPerEntry(String optimizer, Exchange exchange, boolean exactKernel) {
    boolean adam = optimizer.equals("adam");
    int resident = 4 * (2 + (adam ? 2 : 0)); // W, best, moments
    int gradient = exactKernel ? 8 : 4;
    if (!returnsTaskResults(exchange)) return resident + gradient;
    return resident + 4 + 2 * gradient; // broadcast pieces, gradient and its serialized form
  }

  /** Whether each epoch's gradient comes back to the driver as task results. */
  private static boolean returnsTaskResults(Exchange exchange) {
    return switch (exchange) {
      case DRIVER -> false;
      case BROADCAST -> true;
    };
  }

  /**
   * Throws {@link IllegalArgumentException} with the numbers and what to change when V cannot fit, for where the
   * epochs run and the kernel in use.
   */
  public static void check(int vocabSize, String optimizer, Exchange exchange, boolean exactKernel,
      long driverMaxMemory, SparkConf conf) {
    int perEntry = bytesPerEntry(optimizer, exchange, exactKernel);
    long v = vocabSize;
    long matrix = BigramModel.matrixBytes(v);
    long need = v * v * perEntry;
    if (need > driverMaxMemory * 0.9) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "vocab.size = %d needs about %.1f GB on the driver (W is %.2f GB; with %s the driver keeps %d bytes"
              + " per weight) but the driver has %.1f GB: raise spark.driver.memory (--driver-memory) to at"
              + " least %.0f GB, lower vocab.size to %d, or set model.weights = sparse",
          vocabSize, need / 1e9, matrix / 1e9, optimizer, perEntry, driverMaxMemory / 1e9,
          Math.ceil(need / 0.9 / 1e9), largestFitting(driverMaxMemory, perEntry)));
    }
    if (!returnsTaskResults(exchange)) return; // no gradient comes back as task results
    checkResultSize(v * v * (exactKernel ? 8 : 4) + v * 8, "vocab.size = " + vocabSize, conf);
  }

  /** Bytes per distinct pair of the row blocks' counts as they travel: the next word (int) and its count (long). */
  static final int COUNT_BYTES_PER_PAIR = 12;

  /**
   * On the driver's cores ({@link Exchange#DRIVER}) the driver collects the row blocks once, as task results:
   * refuses counts of {@code distinctPairs} (training and validation) above {@code spark.driver.maxResultSize},
   * with the setting to use, where Spark would abort the collect with an error of its own.
   */
  public static void checkCollectedCounts(long distinctPairs, Exchange exchange, SparkConf conf) {
    if (exchange != Exchange.DRIVER) return;
    long bytes = distinctPairs * COUNT_BYTES_PER_PAIR;
    long maxResult = maxResultSize(conf);
    if (maxResult > 0 && bytes > maxResult) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "the bigram counts (%d distinct pairs, about %.2f GB) are collected to the driver once, above"
              + " spark.driver.maxResultSize = %.2f GB: set --conf spark.driver.maxResultSize=%dm (or 0 for no"
              + " limit), or let the executors run the epochs (train.cluster-exchange = broadcast on a cluster,"
              + " train.local-exchange = false in local mode)",
          distinctPairs, bytes / 1e9, maxResult / 1e9, (long) Math.ceil(bytes * 1.1 / (1 << 20))));
    }
  }

  private static long maxResultSize(SparkConf conf) {
    return JavaUtils.byteStringAsBytes(conf.get("spark.driver.maxResultSize", "1g"));
  }

  /** Refuses a gradient larger than {@code spark.driver.maxResultSize}; {@code what} names the model. */
  private static void checkResultSize(long gradientBytes, String what, SparkConf conf) {
    long maxResult = maxResultSize(conf);
    if (maxResult > 0 && gradientBytes > maxResult) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "%s returns a %.2f GB gradient to the driver every epoch, above"
              + " spark.driver.maxResultSize = %.2f GB: set --conf spark.driver.maxResultSize=%dm (or 0 for no"
              + " limit) or lower vocab.size",
          what, gradientBytes / 1e9, maxResult / 1e9, (long) Math.ceil(gradientBytes * 1.1 / (1 << 20))));
    }
  }

  /**
   * The sparse model's check, after the data pass: the same arrays as the dense model's, one entry per
   * distinct training pair instead of per matrix entry, plus the pairs' columns (4 bytes each). Per word, the
   * bias arrays and the row offsets are small beside them.
   */
  public static void checkSparse(long numPairs, int vocabSize, String optimizer, Exchange exchange,
      boolean exactKernel, long driverMaxMemory, SparkConf conf) {
    int perEntry = bytesPerEntry(optimizer, exchange, exactKernel) + 4;
    long need = numPairs * perEntry + (long) vocabSize * 48;
    if (need > driverMaxMemory * 0.9) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "the sparse model of V = %d has %d distinct training pairs and needs about %.1f GB on the driver (%d"
              + " bytes per pair with %s) but the driver has %.1f GB: raise spark.driver.memory (--driver-memory)"
              + " to at least %.0f GB, or lower vocab.size or raise vocab.min-count",
          vocabSize, numPairs, need / 1e9, perEntry, optimizer, driverMaxMemory / 1e9,
          Math.ceil(need / 0.9 / 1e9)));
    }
    if (!returnsTaskResults(exchange)) return;
    checkResultSize(numPairs * (exactKernel ? 8 : 4) + (long) vocabSize * 8,
        "the sparse model of V = " + vocabSize, conf);
  }

  static int largestFitting(long driverMaxMemory, int bytesPerEntry) {
    return (int) Math.floor(Math.sqrt(driverMaxMemory * 0.9 / bytesPerEntry));
  }
}
