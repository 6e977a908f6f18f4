package dev.bigram.cli;

import dev.bigram.config.ReadSettings;
import dev.bigram.config.Redaction;
import dev.bigram.data.CorpusCheck;
import dev.bigram.data.CorpusReader;
import dev.bigram.data.CorpusStats;
import dev.bigram.data.DataPass;
import dev.bigram.data.LocalBigrams;
import dev.bigram.data.RowBlock;
import dev.bigram.data.Tokenizer;
import dev.bigram.data.TrainingData;
import dev.bigram.data.Vocabulary;
import dev.bigram.loss.BigramLossAggregator;
import dev.bigram.model.BigramModel;
import dev.bigram.output.Json;
import dev.bigram.output.LocalLoss;
import dev.bigram.output.PublishedRun;
import dev.bigram.train.DistributedLoss;
import dev.bigram.train.WeightShipping;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code evaluate}: cross-entropy and perplexity of a published model on a corpus. One local file of at most
 * {@link #LOCAL_INPUT_MAX_BYTES} is evaluated in this JVM without Spark, with the same numbers; anything else
 * with Spark.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Cross-entropy (nats), perplexity, bigram count and OOV rate of a model on a corpus.")
final class EvaluateCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateCommand.class);

  @ParentCommand
  Main main;

  @Mixin
  ModelOption model;

  @Option(names = "--input", required = true, arity = "1..*", paramLabel = "PATH",
      description = "Corpus paths or globs. One local file of up to 100 MB is read without starting Spark.")
  List<String> inputs;

  @Option(names = "--json", description = "Print one line of JSON.")
  boolean json;

  @Option(names = "--baseline", paramLabel = "NAME", split = ",",
      description = "Also score a count-based baseline built from the run's training counts (counts/) with the"
          + " smoothing chosen on its validation split: kn (interpolated Kneser-Ney), mkn (modified Kneser-Ney,"
          + " three discounts estimated from the training counts) or add-k. Repeatable.")
  List<String> baselines = new java.util.ArrayList<>();

  /**
   * The largest held-out input, in bytes, that {@code evaluate} reads in this JVM without Spark, when it is one
   * local file: 100 MB counts in seconds on one core, while starting Spark alone takes longer. submit.sh applies
   * the same limit to start such an evaluate as a plain JVM (its LOCAL_EVALUATE_MAX_BYTES).
   */
  static final long LOCAL_INPUT_MAX_BYTES = 100L * 1024 * 1024;

  /** Characters that make a Hadoop path a glob. */
  private static final String GLOB_CHARACTERS = "*?[]{}\\";

  @Override
  public Integer call() {
    Configuration hadoop = PredictCommand.hadoopConfiguration();
    return isModestLocalFile(hadoop, inputs) ? evaluateLocally(hadoop) : evaluateWithSpark();
  }

  /**
   * Whether {@code paths} is one local regular file (no glob, no scheme or {@code file:}, on the local file
   * system) of at most {@link #LOCAL_INPUT_MAX_BYTES}: then it is read in this JVM, by the same reader and with
   * the same rules as Spark's tasks read it ({@link LocalBigrams#read}). Anything else goes through Spark.
   */
  static boolean isModestLocalFile(Configuration hadoop, List<String> paths) {
    if (paths.size() != 1) return false;
    String p = paths.get(0);
    for (char c : GLOB_CHARACTERS.toCharArray()) if (p.indexOf(c) >= 0) return false;
    try {
      Path path = new Path(p);
      String scheme = path.toUri().getScheme();
      if (scheme != null && !scheme.equals("file")) return false;
      FileSystem fs = path.getFileSystem(hadoop);
      if (!"file".equals(fs.getUri().getScheme())) return false;
      FileStatus status = fs.getFileStatus(path);
      return status.isFile() && status.getLen() <= LOCAL_INPUT_MAX_BYTES;
    } catch (IOException | IllegalArgumentException e) {
      return false; // the Spark path lists it, and says what is wrong with it
    }
  }

  /** One local file: the run read straight from its files and the text counted in this JVM, no Spark. */
  private int evaluateLocally(Configuration hadoop) {
    PublishedRun run = PublishedRun.open(hadoop, model.model);
    RowBlock held = LocalBigrams.read(hadoop, inputs.get(0), new Tokenizer(run.tokenizer()), run.vocabulary(),
        ReadSettings.defaults());
    CorpusCheck.requireBigrams(held.stats(), inputs);
    BigramLossAggregator[] loss = LocalLoss.evaluate(run, held, held.without(Vocabulary.UNK_ID));
    long[] stats = held.stats();
    return report(run, new Scores(loss[0].loss(), stats[CorpusStats.TRAIN_BIGRAMS.ordinal()],
        CorpusStats.oovRate(stats), loss[1], stats[CorpusStats.TOKENS.ordinal()]),
        () -> BaselineScores.score(run, held, baselines));
  }

  private int evaluateWithSpark() {
    SparkSession spark = main.spark();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    PublishedRun run = PublishedRun.open(spark, model.model);
    BigramModel m = run.model();
    Tokenizer tokenizer = new Tokenizer(run.tokenizer());
    TrainingData data = DataPass.countBigrams(jsc, CorpusReader.open(jsc, inputs, ReadSettings.defaults()),
        tokenizer, run.vocabulary(), 0.0, jsc.defaultParallelism());
    try {
      CorpusCheck.requireBigrams(data, inputs);
      DistributedLoss loss = new DistributedLoss(jsc, data.blocks(), data.partitioner(),
          WeightShipping.Mode.SHARDED);
      double crossEntropy = loss.evaluate(m, false).aggregator().loss();
      // The same model on the pairs of two known words: <unk> stands for every unknown word at once, and on
      // text the vocabulary hardly covers, predicting it well says little about the model.
      JavaRDD<RowBlock> known = data.blocks().map(b -> b.without(Vocabulary.UNK_ID));
      BigramLossAggregator inVocabulary = new DistributedLoss(jsc, known, data.partitioner(),
          WeightShipping.Mode.SHARDED).evaluate(m, false).aggregator();
      return report(run, new Scores(crossEntropy, data.trainBigrams(), data.oovRate(), inVocabulary,
          data.stat(CorpusStats.TOKENS)), () -> BaselineScores.score(spark, run, data, baselines));
    } finally {
      data.release();
    }
  }

  /**
   * What both paths measure.
   *
   * @param inVocabulary the model's loss on the pairs of two known words
   */
  private record Scores(double crossEntropy, long bigrams, double oovRate, BigramLossAggregator inVocabulary,
      long tokens) {}

  /** Prints the scores (and the baselines, scored after the warning about OOV), as text or one line of JSON. */
  private int report(PublishedRun run, Scores s, Supplier<Map<String, Object>> baselineScores) {
    double crossEntropy = s.crossEntropy();
    double knownCrossEntropy = s.inVocabulary().loss();
    long knownBigrams = s.inVocabulary().count();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("cross_entropy", crossEntropy);
    result.put("perplexity", Math.exp(crossEntropy));
    result.put("bigrams", s.bigrams());
    result.put("oov_rate", s.oovRate());
    result.put("in_vocabulary_bigrams", knownBigrams);
    result.put("in_vocabulary_cross_entropy", knownCrossEntropy);
    result.put("in_vocabulary_perplexity", Math.exp(knownCrossEntropy));
    if (s.oovRate() > 0.5) {
      LOG.warn("{}% of the tokens are outside the model's vocabulary: the perplexity mostly measures how well"
          + " <unk> is predicted; over the {} bigrams of known words it is {}. Is this text in the language the"
          + " model was trained on?", String.format(Locale.ROOT, "%.0f", 100 * s.oovRate()),
          knownBigrams, String.format(Locale.ROOT, "%.2f", Math.exp(knownCrossEntropy)));
    }
    result.put("tokens", s.tokens());
    result.put("model", Redaction.redactText(String.valueOf(run.dir())));
    Map<String, Object> scored = baselineScores.get();
    if (!scored.isEmpty()) result.put("baselines", scored);
    if (json) {
      main.out.println(Json.compact(result));
    } else {
      main.out.println(String.format(Locale.ROOT,
          "Evaluated %s on %d bigrams: cross-entropy %.4f nats, perplexity %.2f, OOV rate %.4f; on the %d"
              + " bigrams of known words, perplexity %.2f.",
          Redaction.redactText(String.valueOf(run.dir())), s.bigrams(), crossEntropy, Math.exp(crossEntropy),
          s.oovRate(), knownBigrams, Math.exp(knownCrossEntropy)));
      for (Map.Entry<String, Object> e : scored.entrySet()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> b = (Map<String, Object>) e.getValue();
        main.out.println(String.format(Locale.ROOT, "  baseline %s (%s = %s): cross-entropy %.4f nats,"
                + " perplexity %.2f (model/baseline perplexity ratio %.3f).", e.getKey(), b.get("parameter_name"),
            BaselineScores.parameterText(b.get("parameter")), (Double) b.get("cross_entropy"),
            (Double) b.get("perplexity"),
            Math.exp(crossEntropy) / (Double) b.get("perplexity")));
      }
    }
    return ExitCode.SUCCESS.code();
  }
}
