package dev.bigram.train;

import dev.bigram.model.BigramModel;
import org.apache.spark.SparkConf;
import org.apache.spark.network.util.JavaUtils;

/**
 * Refuses, before any work, a vocabulary whose matrices cannot fit the driver. The driver holds {@code W} and
 * the best epoch's copy (float), Adam's two moments (float), the merged gradient (double) and, transiently,
 * the serialized task results and broadcast pieces.
 */
public final class MemoryCheck {
  private MemoryCheck() {}

  /** Bytes per matrix entry the driver needs at peak. */
  static int bytesPerEntry(String optimizer) {
    int floats = 2 + (optimizer.equals("adam") ? 2 : 0) + 1; // W, best, moments, broadcast pieces
    return floats * 4 + 2 * 8; // gradient as doubles, and its serialized form
  }

  /** Throws {@link IllegalArgumentException} with the numbers and what to change when V cannot fit. */
  public static void check(int vocabSize, String optimizer, long driverMaxMemory, SparkConf conf) {
    long v = vocabSize;
    long matrix = BigramModel.matrixBytes(v);
    long need = v * v * bytesPerEntry(optimizer);
    if (need > driverMaxMemory * 0.9) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "vocab.size = %d needs about %.1f GB on the driver (W is %.2f GB; with %s the driver keeps %d bytes"
              + " per weight) but the driver has %.1f GB: raise spark.driver.memory (--driver-memory) to at"
              + " least %.0f GB or lower vocab.size to %d",
          vocabSize, need / 1e9, matrix / 1e9, optimizer, bytesPerEntry(optimizer), driverMaxMemory / 1e9,
          Math.ceil(need / 0.9 / 1e9), largestFitting(driverMaxMemory, optimizer)));
    }
    long gradientBytes = v * v * 8 + v * 8;
    long maxResult = JavaUtils.byteStringAsBytes(conf.get("spark.driver.maxResultSize", "1g"));
    if (maxResult > 0 && gradientBytes > maxResult) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "vocab.size = %d returns a %.2f GB gradient to the driver every epoch, above"
              + " spark.driver.maxResultSize = %.2f GB: set --conf spark.driver.maxResultSize=%dm (or 0 for no"
              + " limit) or lower vocab.size",
          vocabSize, gradientBytes / 1e9, maxResult / 1e9, (long) Math.ceil(gradientBytes * 1.1 / (1 << 20))));
    }
  }

  static int largestFitting(long driverMaxMemory, String optimizer) {
    return (int) Math.floor(Math.sqrt(driverMaxMemory * 0.9 / bytesPerEntry(optimizer)));
  }
}
