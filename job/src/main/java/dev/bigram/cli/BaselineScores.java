package dev.bigram.cli;

import dev.bigram.config.Redaction;
import dev.bigram.data.InputException;
import dev.bigram.data.RowBlock;
import dev.bigram.data.TrainingData;
import dev.bigram.data.baseline.AddK;
import dev.bigram.data.baseline.HeldOutBlocks;
import dev.bigram.data.baseline.KneserNey;
import dev.bigram.data.baseline.ModifiedKneserNey;
import dev.bigram.output.CountsTable;
import dev.bigram.output.PublishedRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code evaluate --baseline}: scores the run's count-based baselines on the evaluated text. */
final class BaselineScores {
  private static final Logger LOG = LoggerFactory.getLogger(BaselineScores.class);

  private BaselineScores() {}

  /** Names as on the command line. */
  static final List<String> NAMES = List.of("kn", "mkn", "add-k");

  /** Scores the baselines on the held-out counts of {@code data}, joined with the run's counts/ by Spark. */
  static Map<String, Object> score(SparkSession spark, PublishedRun run, TrainingData data, List<String> names) {
    if (!check(names)) return new LinkedHashMap<>();
    int v = data.vocab().size();
    JavaRDD<RowBlock> joint = HeldOutBlocks.build(CountsTable.read(spark, run.dir()).javaRDD(), data.blocks(), v,
        data.partitioner().numPartitions());
    try {
      return score(run, names, new Joint(d -> KneserNey.crossEntropy(joint, v, d),
          d -> ModifiedKneserNey.crossEntropy(joint, v, d), k -> AddK.crossEntropy(joint, v, k),
          () -> ModifiedKneserNey.estimate(joint)));
    } finally {
      joint.unpersist(false);
    }
  }

  /**
   * Scores the baselines on held-out counts of this JVM ({@code held}, one block over all rows), with the run's
   * counts/ read straight from its files: the same per-block sums as with Spark, without it.
   */
  static Map<String, Object> score(PublishedRun run, RowBlock held, List<String> names) {
    if (!check(names)) return new LinkedHashMap<>();
    int v = run.vocabulary().size();
    RowBlock joint = HeldOutBlocks.joint(run.trainingCounts(), held, v);
    return score(run, names, new Joint(d -> KneserNey.crossEntropy(joint, v, d),
        d -> ModifiedKneserNey.crossEntropy(joint, v, d), k -> AddK.crossEntropy(joint, v, k),
        () -> ModifiedKneserNey.estimate(joint)));
  }

  /**
   * The run's training counts joined with the held-out counts, as each baseline scores them: the cross-entropy
   * of each baseline with its parameter, and the closed-form modified Kneser-Ney discounts of the training side.
   */
  private record Joint(DoubleUnaryOperator kneserNey,
      ToDoubleFunction<ModifiedKneserNey.Discounts> modifiedKneserNey, DoubleUnaryOperator addK,
      Supplier<ModifiedKneserNey.Discounts> closedForm) {}

  /** Refuses an unknown name; false when there is nothing to score. */
  private static boolean check(List<String> names) {
    for (String n : names) {
      if (!NAMES.contains(n)) {
        throw new IllegalArgumentException("--baseline " + n + " is unknown: expected kn, mkn or add-k");
      }
    }
    return !names.isEmpty();
  }

  private static Map<String, Object> score(PublishedRun run, List<String> names, Joint joint) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String n : names) {
      Map<String, Object> b = new LinkedHashMap<>();
      double ce;
      if (n.equals("mkn")) {
        ModifiedKneserNey.Discounts d = discounts(run, joint);
        ce = joint.modifiedKneserNey().applyAsDouble(d);
        b.put("parameter_name", "discounts");
        b.put("parameter", d.asList());
      } else {
        boolean kn = n.equals("kn");
        double p = number(run, kn ? "kn_discount" : "addk_k");
        ce = kn ? joint.kneserNey().applyAsDouble(p) : joint.addK().applyAsDouble(p);
        b.put("parameter_name", kn ? "discount" : "k");
        b.put("parameter", p);
      }
      b.put("cross_entropy", ce);
      b.put("perplexity", Math.exp(ce));
      out.put(n, b);
    }
    return out;
  }

  private static double number(PublishedRun run, String key) {
    if (!(run.summary().get(key) instanceof Number p)) {
      throw new InputException("summary.json of " + run.dir() + " has no " + key
          + ": the run predates the baselines; train it again to compare");
    }
    return p.doubleValue();
  }

  /**
   * The discounts the run recorded; a run from before modified Kneser-Ney has none, and gets the closed form
   * recomputed from its training counts ({@code joint}'s training side is the run's {@code counts/}), unscaled:
   * the validation split it was scaled on is not kept.
   */
  private static ModifiedKneserNey.Discounts discounts(PublishedRun run, Joint joint) {
    Object recorded = run.summary().get("mkn_discounts");
    if (recorded == null) {
      ModifiedKneserNey.Discounts d = joint.closedForm().get();
      LOG.info("summary.json of {} has no mkn_discounts (the run predates modified Kneser-Ney): scoring the closed"
          + " form of its counts/, {}, not scaled on a validation split as a new run's are",
          Redaction.redactText(String.valueOf(run.dir())), parameterText(d.asList()));
      return d;
    }
    if (recorded instanceof List<?> l && l.size() == 3 && l.stream().allMatch(x -> x instanceof Number)) {
      try {
        return new ModifiedKneserNey.Discounts(((Number) l.get(0)).doubleValue(), ((Number) l.get(1)).doubleValue(),
            ((Number) l.get(2)).doubleValue());
      } catch (IllegalArgumentException e) {
        throw new InputException("summary.json of " + run.dir() + " has unusable mkn_discounts: " + e.getMessage());
      }
    }
    throw new InputException("summary.json of " + run.dir() + " has unusable mkn_discounts: expected [D1, D2, D3+]");
  }

  /** A baseline's parameter as the text output shows it: one number, or a list of them. */
  static String parameterText(Object parameter) {
    if (parameter instanceof List<?> l) {
      return l.stream().map(BaselineScores::parameterText).collect(Collectors.joining(", ", "[", "]"));
    }
    return parameter instanceof Number x ? String.format(Locale.ROOT, "%.4g", x.doubleValue())
        : String.valueOf(parameter);
  }
}
