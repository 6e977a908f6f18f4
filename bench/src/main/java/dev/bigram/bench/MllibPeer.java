package dev.bigram.bench;

import dev.bigram.config.TokenizerSettings;
import dev.bigram.data.CountRows;
import dev.bigram.data.DataPass;
import dev.bigram.data.TrainingData;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The peer: Spark MLlib's multinomial {@code LogisticRegression} on the same bigrams, set up as a smart user
 * would: one row per distinct bigram, features = the one-hot previous word (a sparse vector of size V),
 * label = the next word, {@code weightCol} = the bigram's count; L-BFGS (MLlib's choice without L1),
 * {@code regParam = 0}, intercept on (the bias), standardization at its default.
 *
 * <p>Timing: one fit with {@code maxIter = MAX_ITER} and {@code tol = 0}, timed whole (the DataFrame cached and
 * counted first). Its objective history (the weighted mean cross-entropy, comparable to the job's training loss)
 * gives the first iteration {@code k} within 0.5% of the floor; the time to reach it is the fit's time times
 * {@code k / iterations}, L-BFGS iterations costing about the same (the fit's setup is shared out over them,
 * which only flatters MLlib). When no iteration reaches it, the whole fit's time is a lower bound.
 *
 * <pre>bench/java.sh -Xmx8g dev.bigram.bench.MllibPeer FILE V MAX_ITER</pre>
 *
 * <p>On a cluster: {@code -Dbench.master=spark://... -Dbench.jars=JARS} ({@link Peers#session()}).
 */
public final class MllibPeer {
  public static void main(String[] args) {
    String file = args[0];
    int vocab = Integer.parseInt(args[1]);
    int maxIter = Integer.parseInt(args[2]);
    SparkSession spark = Peers.session();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    TrainingData data = DataPass.run(jsc, List.of(file), TokenizerSettings.defaults(), vocab, 2, 0.0,
        jsc.defaultParallelism());
    int v = data.vocab().size();
    double floor = data.trainLossFloor();
    StructType schema = new StructType()
        .add("label", DataTypes.DoubleType, false)
        .add("features", SQLDataTypes.VectorType(), false)
        .add("weight", DataTypes.DoubleType, false);
    JavaRDD<Row> rows = data.blocks().flatMap(b -> rows(b.train(), v).iterator());
    Dataset<Row> bigrams = spark.createDataFrame(rows, schema).persist(StorageLevel.MEMORY_AND_DISK());
    long distinct = bigrams.count();

    long t0 = System.nanoTime();
    LogisticRegressionModel full = peer(maxIter).fit(bigrams);
    double fullSeconds = (System.nanoTime() - t0) / 1e9;
    double[] history = full.summary().objectiveHistory();
    int reached = -1;
    for (int k = 0; k < history.length; k++) {
      if (history[k] <= floor * 1.005) {
        reached = k;
        break;
      }
    }
    int iterations = Math.max(1, history.length - 1);
    Double secondsToReach = reached >= 0 ? fullSeconds * reached / iterations : null;
    new Result("mllib").put("file", file).put("vocab", v).put("distinct_bigrams", distinct).put("floor", floor)
        .put("max_iter", maxIter).put("iterations_run", history.length - 1)
        .put("final_objective", history[history.length - 1]).put("seconds_full_fit", fullSeconds)
        .put("seconds_per_iteration", fullSeconds / iterations)
        .put("iterations_to_within_0.5pct", reached).put("seconds_to_within_0.5pct", secondsToReach)
        .put("seconds_lower_bound", reached >= 0 ? null : fullSeconds).print();
    bigrams.unpersist();
    data.release();
    spark.stop();
  }

  static LogisticRegression peer(int maxIter) {
    return new LogisticRegression().setFamily("multinomial").setRegParam(0.0).setElasticNetParam(0.0)
        .setWeightCol("weight").setMaxIter(maxIter).setTol(0.0);
  }

  static List<Row> rows(CountRows train, int v) {
    List<Row> out = new ArrayList<>(train.numPairs());
    for (int r = 0; r < train.numRows(); r++) {
      org.apache.spark.ml.linalg.Vector x = Vectors.sparse(v, new int[] {train.row(r)}, new double[] {1.0});
      for (int k = train.pairStart(r); k < train.pairEnd(r); k++) {
        out.add(RowFactory.create((double) train.nextId(k), x, (double) train.pairCount(k)));
      }
    }
    return out;
  }
}
