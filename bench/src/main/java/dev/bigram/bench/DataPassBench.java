package dev.bigram.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.sum;

import dev.bigram.config.TokenizerSettings;
import dev.bigram.data.DataPass;
import dev.bigram.data.TrainingData;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The data pass (read, tokenize, vocabulary, bigram counts into cached row blocks) beside the simplest Spark
 * SQL word count over the same file, in the same SparkSession, alternating, {@code reps} times each:
 *
 * <pre>spark.read.text(f).select(explode(split(lower(value), "[^\\p{L}\\p{N}']+")).as("word"))
 *      .where(word != "").groupBy("word").count().agg(count(1), sum(count)).first()</pre>
 *
 * The last aggregate (over the distinct words only) brings back the total number of words, which must equal the
 * data pass's token count: both sides did the same tokenization.
 *
 * <pre>bench/java.sh -Xmx8g dev.bigram.bench.DataPassBench FILE VOCAB REPS</pre>
 */
public final class DataPassBench {
  public static void main(String[] args) {
    String file = args[0];
    int vocab = Integer.parseInt(args[1]);
    int reps = Integer.parseInt(args[2]);
    SparkSession spark = Peers.session("local[*]");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    long bytes = new java.io.File(file).length();
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      // The words and their total, collected: the check that both sides found the same tokens.
      Row totals = wordCount(spark, file).agg(count(lit(1)), sum(col("count"))).first();
      double wc = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      TrainingData data = DataPass.run(jsc, List.of(file), TokenizerSettings.defaults(), vocab, 2, 0.1,
          jsc.defaultParallelism());
      double pass = (System.nanoTime() - t1) / 1e9;
      new Result("data_pass").put("file", file).put("bytes", bytes).put("rep", r).put("vocab", vocab)
          .put("tokens", data.stat(dev.bigram.data.CorpusStats.TOKENS))
          .put("distinct_bigrams", data.distinctTrainBigrams() + data.distinctValidationBigrams())
          .put("sql_tokens", totals.getLong(1)).put("sql_distinct_words", totals.getLong(0))
          .put("seconds_data_pass", pass).put("seconds_sql_word_count", wc).put("ratio", pass / wc).print();
      data.release();
    }
    spark.stop();
  }

  /** The peer: split, explode, groupBy. */
  static Dataset<Row> wordCount(SparkSession spark, String file) {
    return spark.read().text(file)
        .select(explode(split(lower(col("value")), "[^\\p{L}\\p{N}']+")).as("word"))
        .where(col("word").notEqual(""))
        .groupBy("word").count();
  }
}
