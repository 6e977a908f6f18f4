package dev.bigram.bench;

import org.apache.spark.sql.SparkSession;

/** What every benchmark shares: a local SparkSession bound to 127.0.0.1 with the UI off. */
final class Peers {
  private Peers() {}

  static SparkSession session(String master) {
    return SparkSession.builder()
        .master(master)
        .appName("bigram-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.maxResultSize", "0")
        .config("spark.sql.shuffle.partitions", "16")
        .getOrCreate();
  }
}
