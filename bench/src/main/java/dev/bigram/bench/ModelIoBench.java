package dev.bigram.bench;

import dev.bigram.data.Vocabulary;
import dev.bigram.model.BigramModel;
import dev.bigram.output.ModelReader;
import dev.bigram.output.ModelStore;
import java.nio.file.Files;
import java.util.Random;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Writing and reading the {@code model/} table of a run at a given V: a random W (which compresses as badly as a
 * trained one), written by {@link ModelStore#writeModel} and loaded back whole by {@link ModelStore#readModel},
 * {@code reps} times.
 *
 * <pre>bench/java.sh -Xmx8g dev.bigram.bench.ModelIoBench V REPS</pre>
 */
public final class ModelIoBench {
  public static void main(String[] args) throws Exception {
    int v = Integer.parseInt(args[0]);
    int reps = Integer.parseInt(args[1]);
    SparkSession spark = Peers.session("local[*]");
    Random random = new Random(1);
    float[] w = new float[v * v];
    float[] b = new float[v];
    for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
    for (int i = 0; i < v; i++) b[i] = (float) random.nextGaussian();
    BigramModel model = new BigramModel(v, w, b);
    String[] words = new String[v];
    long[] counts = new long[v];
    words[0] = Vocabulary.UNK;
    for (int i = 1; i < v; i++) words[i] = "w" + i;
    Vocabulary vocab = new Vocabulary(words, counts, false);
    java.nio.file.Path dir = Files.createTempDirectory("model-io");
    for (int r = 0; r < reps; r++) {
      Path run = new Path(dir.resolve("run" + r).toUri());
      long t0 = System.nanoTime();
      ModelStore.writeModel(spark, model, vocab, run);
      double write = (System.nanoTime() - t0) / 1e9;
      long ts = System.nanoTime();
      spark.read().parquet(new Path(run, "model").toString()).write().format("noop").mode("overwrite").save();
      double scan = (System.nanoTime() - ts) / 1e9;
      long t1 = System.nanoTime();
      BigramModel back = ModelReader.readModel(spark, run, v, true);
      double read = (System.nanoTime() - t1) / 1e9;
      if (back.weights()[v * v - 1] != w[v * v - 1] || back.bias()[v - 1] != b[v - 1]) {
        throw new IllegalStateException("the model read back differs from the one written");
      }
      long bytes = Files.walk(dir.resolve("run" + r)).filter(Files::isRegularFile).mapToLong(p -> p.toFile().length())
          .sum();
      new Result("model_io").put("vocab", v).put("rep", r).put("bytes_on_disk", bytes)
          .put("seconds_write", write).put("seconds_read", read).put("seconds_scan_noop", scan).print();
    }
    spark.stop();
  }
}
