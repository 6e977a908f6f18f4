package dev.bigram.bench;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Prints what a published run computed, to the last bit, so that two builds of the job can be compared with
 * {@code diff}: every history row's losses (exact decimal of the double), the summary's epochs, stop reason and
 * L2 choice, and a SHA-256 of the model's decoded weights and bias in id order. Reads the Parquet tables with
 * Spark SQL only, never the job's classes, so it reads runs of any version of the job.
 *
 * <p>Usage: {@code bench/java.sh dev.bigram.bench.RunDigest RUN_DIR}
 */
public final class RunDigest {
  private RunDigest() {}

  public static void main(String[] args) throws Exception {
    Path run = Path.of(args[0]);
    SparkSession spark = SparkSession.builder().master("local[1]").appName("run-digest")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      Dataset<Row> history = spark.read().parquet(run.resolve("history").toString()).orderBy("epoch");
      for (Row r : history.select("epoch", "train_loss", "validation_loss", "learning_rate", "grad_norm")
          .collectAsList()) {
        System.out.println("epoch " + r.get(0) + " train " + r.get(1) + " validation " + r.get(2) + " lr "
            + r.get(3) + " grad " + r.get(4));
      }
      String summary = Files.readString(run.resolve("summary.json"));
      for (String key : List.of("epochs_run", "best_epoch", "stop_reason", "l2", "l2_trials", "l2_chosen",
          "best_validation_loss", "final_train_loss", "vocab_size", "distinct_bigrams")) {
        int at = summary.indexOf("\"" + key + "\"");
        if (at < 0) continue;
        int end = summary.indexOf('\n', at);
        // A value that spans lines (a list of trials) is printed up to its closing bracket.
        if (summary.charAt(summary.indexOf(':', at) + 2) == '[') end = summary.indexOf(']', at) + 1;
        System.out.println(summary.substring(at, end).replaceAll("\\s+", " ").trim());
      }
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      Dataset<Row> model = spark.read().parquet(run.resolve("model").toString()).orderBy("id");
      long rows = 0;
      for (Row r : model.select("id", "bias", "weights").collectAsList()) {
        List<Float> w = r.getList(2);
        ByteBuffer buf = ByteBuffer.allocate(8 + 4 * w.size());
        buf.putInt(r.getInt(0)).putFloat(r.isNullAt(1) ? Float.NaN : r.getFloat(1));
        for (Float f : w) buf.putFloat(f);
        sha.update(buf.array());
        rows++;
      }
      System.out.println("model rows " + rows + " sha256 " + HexFormat.of().formatHex(sha.digest()));
    } finally {
      spark.stop();
    }
  }
}
