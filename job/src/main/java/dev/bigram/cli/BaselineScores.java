package dev.bigram.cli;

import dev.bigram.data.RowBlock;
import dev.bigram.data.TrainingData;
import dev.bigram.data.baseline.AddK;
import dev.bigram.data.baseline.HeldOutBlocks;
import dev.bigram.data.baseline.KneserNey;
import dev.bigram.output.CountsTable;
import dev.bigram.output.PublishedRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/** {@code evaluate --baseline}: scores the run's count-based baselines on the evaluated text. */
final class BaselineScores {
  private BaselineScores() {}

  /** Names as on the command line. */
  static final List<String> NAMES = List.of("kn", "add-k");

  static Map<String, Object> score(SparkSession spark, PublishedRun run, TrainingData data, List<String> names) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (names.isEmpty()) return out;
    for (String n : names) {
      if (!NAMES.contains(n)) {
        throw new IllegalArgumentException("--baseline " + n + " is unknown: expected kn or add-k");
      }
    }
    int v = data.vocab().size();
    JavaRDD<RowBlock> joint = HeldOutBlocks.build(CountsTable.read(spark, run.dir()).javaRDD(), data.blocks(), v,
        data.partitioner().numPartitions());
    try {
      for (String n : names) {
        boolean kn = n.equals("kn");
        String key = kn ? "kn_discount" : "addk_k";
        Object parameter = run.summary().get(key);
        if (!(parameter instanceof Number p)) {
          throw new dev.bigram.data.InputException("summary.json of " + run.dir() + " has no " + key
              + ": the run predates the baselines; train it again to compare");
        }
        double ce = kn ? KneserNey.crossEntropy(joint, v, p.doubleValue()) : AddK.crossEntropy(joint, v, p.doubleValue());
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("parameter_name", kn ? "discount" : "k");
        b.put("parameter", p.doubleValue());
        b.put("cross_entropy", ce);
        b.put("perplexity", Math.exp(ce));
        out.put(n, b);
      }
    } finally {
      joint.unpersist(false);
    }
    return out;
  }
}
