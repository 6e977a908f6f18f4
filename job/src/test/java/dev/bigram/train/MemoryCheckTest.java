package dev.bigram.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The refusal, before any work, of a vocabulary whose matrices do not fit the driver. */
class MemoryCheckTest {
  static final long GB = 1_000_000_000L;

  static SparkConf conf(String maxResultSize) {
    SparkConf conf = new SparkConf(false);
    if (maxResultSize != null) conf.set("spark.driver.maxResultSize", maxResultSize);
    return conf;
  }

  @Test
  void adamKeepsTwentyEightBytesPerWeightAndSgdTwenty() {
    assertEquals(28, MemoryCheck.bytesPerEntry("adam", Exchange.BROADCAST, false));
    assertEquals(20, MemoryCheck.bytesPerEntry("sgd", Exchange.BROADCAST, false));
    assertEquals(36, MemoryCheck.bytesPerEntry("adam", Exchange.BROADCAST, true),
        "the exact kernel returns doubles");
  }

  /**
   * On a cluster the driver's cores hold what local mode holds, with either kernel's gradient in place, and no
   * gradient comes back as task results: the result-size limit does not apply.
   */
  @Test
  void theDriversCoresKeepOnlyTheGradientBesideTheModelAndReturnNoTaskResults() {
    assertEquals(20, MemoryCheck.bytesPerEntry("adam", Exchange.DRIVER, false));
    assertEquals(24, MemoryCheck.bytesPerEntry("adam", Exchange.DRIVER, true), "double rows, in place");
    assertEquals(36, MemoryCheck.bytesPerEntry("adam", Exchange.BROADCAST, true),
        "Spark's path returns the exact kernel's rows as task results and keeps their serialized form");
    // V = 17,000: a 1.16 GB gradient, above Spark's default maxResultSize of 1g, refused only where it travels.
    assertDoesNotThrow(() -> MemoryCheck.check(17_000, "adam", Exchange.DRIVER, true, 100 * GB, conf(null)));
    assertThrows(IllegalArgumentException.class,
        () -> MemoryCheck.check(17_000, "adam", Exchange.BROADCAST, false, 100 * GB, conf(null)));
  }

  @Test
  void tenThousandWordsDoNotFitATwoGigabyteDriverAndTheMessageSaysWhatToChange() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MemoryCheck.check(10_000, "adam", Exchange.BROADCAST, false, 2 * GB, conf("0")));
    String m = e.getMessage();
    assertTrue(m.contains("vocab.size = 10000"), m);
    assertTrue(m.contains("2.8 GB on the driver"), "28 bytes x 10^8 weights: " + m);
    assertTrue(m.contains("W is 0.40 GB"), m);
    assertTrue(m.contains("the driver has 2.0 GB"), m);
    assertTrue(m.contains("spark.driver.memory (--driver-memory) to at least 4 GB"), m);
    assertTrue(m.contains("lower vocab.size to " + MemoryCheck.largestFitting(2 * GB, 28)), m);
  }

  @Test
  void theSuggestedVocabularyFitsAndOneMoreWordDoesNot() {
    long driver = 3 * GB;
    for (String optimizer : new String[] {"adam", "sgd"}) {
      int largest = MemoryCheck.largestFitting(driver,
          MemoryCheck.bytesPerEntry(optimizer, Exchange.BROADCAST, false));
      assertDoesNotThrow(
          () -> MemoryCheck.check(largest, optimizer, Exchange.BROADCAST, false, driver, conf("0")));
      assertThrows(IllegalArgumentException.class,
          () -> MemoryCheck.check(largest + 1, optimizer, Exchange.BROADCAST, false, driver, conf("0")));
    }
  }

  @Test
  void aGradientAboveMaxResultSizeIsRefusedWithTheSettingToUse() {
    // V = 17,000: a 1.16 GB gradient (floats) against Spark's default maxResultSize of 1g.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MemoryCheck.check(17_000, "adam", Exchange.BROADCAST, false, 100 * GB, conf(null)));
    String m = e.getMessage();
    assertTrue(m.contains("1.16 GB gradient") && m.contains("spark.driver.maxResultSize = 1.07 GB"), m);
    long suggestedMb = Long.parseLong(m.replaceAll(".*spark.driver.maxResultSize=(\\d+)m.*", "$1"));
    assertTrue(suggestedMb * (1 << 20) > 4L * 17_000 * 17_000 + 8L * 17_000,
        "the suggested limit holds the gradient: " + m);
    assertDoesNotThrow(() -> MemoryCheck.check(17_000, "adam", Exchange.BROADCAST, false, 100 * GB,
        conf(suggestedMb + "m")));
    assertDoesNotThrow(() -> MemoryCheck.check(17_000, "adam", Exchange.BROADCAST, false, 100 * GB,
        conf("0")), "0 means no limit");
  }

  @Test
  void countsCollectedToTheDriverAboveMaxResultSizeAreRefusedWithTheSettingToUse() {
    // 100 M distinct pairs: 1.2 GB of counts against Spark's default maxResultSize of 1g.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MemoryCheck.checkCollectedCounts(100_000_000L, Exchange.DRIVER, conf(null)));
    String m = e.getMessage();
    assertTrue(m.contains("100000000 distinct pairs, about 1.20 GB") && m.contains("maxResultSize = 1.07 GB"), m);
    long suggestedMb = Long.parseLong(m.replaceAll(".*spark.driver.maxResultSize=(\\d+)m.*", "$1"));
    assertDoesNotThrow(() -> MemoryCheck.checkCollectedCounts(100_000_000L, Exchange.DRIVER,
        conf(suggestedMb + "m")), "the suggested limit holds them");
    assertDoesNotThrow(() -> MemoryCheck.checkCollectedCounts(100_000_000L, Exchange.DRIVER, conf("0")));
    assertDoesNotThrow(() -> MemoryCheck.checkCollectedCounts(100_000_000L, Exchange.BROADCAST, conf(null)),
        "through the broadcast nothing is collected");
    assertDoesNotThrow(() -> MemoryCheck.checkCollectedCounts(80_000_000L, Exchange.DRIVER, conf(null)));
  }

  @Test
  void theDefaultVocabularyFitsTheDriverThatConfSparkDefaultsConfigures() throws Exception {
    java.util.Map<String, String> defaults = new java.util.HashMap<>();
    for (String line : java.nio.file.Files.readAllLines(
        dev.bigram.testing.SparkTestBase.projectRoot().resolve("conf/spark-defaults.conf"))) {
      String[] kv = line.strip().split("\\s+", 2);
      if (kv.length == 2 && !kv[0].startsWith("#")) defaults.put(kv[0], kv[1]);
    }
    long driver = org.apache.spark.network.util.JavaUtils.byteStringAsBytes(defaults.get("spark.driver.memory"));
    // A JVM started with -Xmx reports about 93% of it as its maximum heap (G1 keeps a survivor region back).
    long seen = (long) (driver * 0.93);
    int v = dev.bigram.config.TrainerConfig.load(null, java.util.List.of()).vocabSize();
    // Every default: the epochs on the driver's cores on a cluster (local mode holds the same); the L2 search
    // holds no more (its best trial waits on disk while the next trains).
    assertDoesNotThrow(() -> MemoryCheck.check(v, "adam", Exchange.DRIVER, false, seen,
        conf(defaults.get("spark.driver.maxResultSize"))));
    // Through Spark's broadcast as well.
    assertDoesNotThrow(() -> MemoryCheck.check(v, "adam", Exchange.BROADCAST, false, seen,
        conf(defaults.get("spark.driver.maxResultSize"))));
  }
}
