package dev.bigram.testing;

import java.io.File;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One local SparkSession per test class: {@code local[2]}, UI off, bound to 127.0.0.1. Subclasses use
 * {@link #spark} and {@link #jsc}.
 */
public abstract class SparkTestBase {
  protected static SparkSession spark;
  protected static JavaSparkContext jsc;

  @BeforeAll
  static void startSpark() {
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("bigram-trainer-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.maxResultSize", "0")
        .getOrCreate();
    jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
      spark = null;
      jsc = null;
    }
  }

  /** The project root (the parent of job/), where sample-data/ and submit.sh live. */
  public static Path projectRoot() {
    File dir = new File(System.getProperty("user.dir")).getAbsoluteFile();
    return new File(dir, "submit.sh").exists() ? dir.toPath() : dir.getParentFile().toPath();
  }
}
