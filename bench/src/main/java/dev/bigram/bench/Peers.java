package dev.bigram.bench;

import org.apache.spark.sql.SparkSession;

/** What every benchmark shares: a SparkSession bound to 127.0.0.1 with the UI off. */
final class Peers {
  private Peers() {}

  /**
   * The session of the system property {@code bench.master} ({@code local[*]} when unset); on a cluster the
   * executors get the jars of {@code bench.jars} (comma-separated: the job's, the bench module's, MLlib's).
   */
  static SparkSession session() {
    String master = System.getProperty("bench.master", "local[*]");
    SparkSession.Builder b = SparkSession.builder();
    if (!master.startsWith("local")) {
      b = b.config("spark.jars", System.getProperty("bench.jars", ""))
          .config("spark.scheduler.minRegisteredResourcesRatio", "1.0")
          .config("spark.executor.memory", System.getProperty("bench.executor-memory", "2g"));
    }
    return session(b, master);
  }

  static SparkSession session(String master) {
    return session(SparkSession.builder(), master);
  }

  private static SparkSession session(SparkSession.Builder builder, String master) {
    return builder
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
