package dev.bigram.bench;

import dev.bigram.config.TokenizerSettings;
import dev.bigram.data.DataPass;
import dev.bigram.data.RowBlock;
import dev.bigram.data.TrainingData;
import dev.bigram.loss.BigramLossAggregator;
import dev.bigram.loss.Kernel;
import dev.bigram.loss.WeightRows;
import dev.bigram.model.BigramModel;
import dev.bigram.optim.L2;
import dev.bigram.optim.Optimizer;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Where an epoch's time goes, without Spark's scheduling: the per-block {@code add} (softmax, exp, gradient),
 * the serialization of the result, and the driver's update, each timed on its own.
 *
 * <pre>bench/java.sh -Xmx8g dev.bigram.bench.AggregatorBench CORPUS V REPS [fast|exact]</pre>
 */
public final class AggregatorBench {
  public static void main(String[] args) throws Exception {
    String corpus = args[0];
    int vocab = Integer.parseInt(args[1]);
    int reps = Integer.parseInt(args[2]);
    Kernel kernel = Kernel.of(args.length > 3 ? args[3] : "fast");
    SparkSession spark = Peers.session("local[2]");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    TrainingData data = DataPass.run(jsc, List.of(corpus), TokenizerSettings.defaults(), vocab, 2, 0.1, 2);
    List<RowBlock> blocks = data.blocks().collect();
    int v = data.vocab().size();
    BigramModel model = BigramModel.initialize(v, true, 0.01, 42);
    Optimizer adam = Optimizer.create("adam", model.numWeights(), v, true);
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      BigramLossAggregator all = new BigramLossAggregator(v, true, kernel);
      for (RowBlock b : blocks) {
        all.merge(new BigramLossAggregator(v, true, kernel)
            .add(b, WeightRows.view(model.weights(), model.bias(), v, b.firstRow(), b.endRow())));
      }
      long t1 = System.nanoTime();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(all);
      }
      long t2 = System.nanoTime();
      adam.step(model, all.gradient(), 0.1, L2.NONE);
      long t3 = System.nanoTime();
      System.out.printf(Locale.ROOT, "rep %d: add %.3f s (%.1f ns/entry, one thread), serialize %.3f s (%.0f MB),"
              + " update %.3f s, loss %.6f%n", r, (t1 - t0) / 1e9, (t1 - t0) / ((double) v * v),
          (t2 - t1) / 1e9, bytes.size() / 1e6, (t3 - t2) / 1e9, all.loss());
    }
    spark.stop();
  }
}
