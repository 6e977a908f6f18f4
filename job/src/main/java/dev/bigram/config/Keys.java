package dev.bigram.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Every configuration key of the job, declared once: name, default, what it does and what it accepts, side by
 * side. {@link TrainerConfig} reads them; docs/configuration.md lists them (ConfigurationDocsTest keeps the two
 * in step). A deployment overrides them in a HOCON file ({@code conf/trainer.conf}) or with {@code --set}.
 */
public final class Keys {
  private Keys() {}

  /** The largest {@code vocab.size}: word ids and pair keys are sized for it, and the data pass is tested there. */
  public static final int MAX_VOCAB_SIZE = 1_000_000;

  /**
   * {@code model.weights = auto} trains the dense model up to this V and the sparse one beyond: up to here the
   * dense model's V x V epoch is measured fast and as good (docs/design.md, "Dense or sparse").
   */
  public static final int AUTO_DENSE_LIMIT = 10_000;

  /** The rank {@code model.rank = auto} gives the low-rank term when the data is large enough for it. */
  public static final int AUTO_RANK = 8;

  /**
   * {@code model.rank = auto} uses {@link #AUTO_RANK} when the training split holds at least this many bigrams per
   * factor parameter ({@code 2 r V}); below, the factors have too little to learn from (docs/design.md, "Below the
   * oracle Kneser-Ney").
   */
  public static final int AUTO_RANK_BIGRAMS_PER_FACTOR = 2;

  public static final Param<List<String>> INPUT_PATHS = Param.strings("input.paths", List.of(),
      "Hadoop paths or globs of the corpus: local, hdfs://, s3a://; .gz and .bz2 are decompressed", v -> true,
      "a list of paths").fromEnv("BIGRAM_INPUT");
  public static final Param<Double> INPUT_BINARY_THRESHOLD = Param.dbl("input.binary-threshold", 0.3,
      "share of damaged bytes (invalid UTF-8, NUL, control) in a file's first 64 KiB above which it is binary;"
          + " 1 = never", v -> v > 0 && v <= 1, "a number in (0, 1]");
  public static final Param<String> INPUT_ON_BINARY = Param.string("input.on-binary", "skip",
      "what to do with a file that looks binary: skip it with a warning, or fail (exit code 3)",
      v -> v.equals("skip") || v.equals("fail"), "skip or fail");
  public static final Param<String> INPUT_ENCODING = Param.string("input.encoding", "auto",
      "utf-8, or auto: a file whose head has invalid UTF-8 and reads as Windows-1252 without C1 control characters"
          + " is read as Windows-1252 (decided once per file, logged with its name)",
      v -> v.equals("utf-8") || v.equals("auto"), "utf-8 or auto");
  public static final Param<String> OUTPUT_DIR = Param.string("output.dir", "runs",
      "directory under which runs are published, with LATEST naming the newest", v -> !v.isBlank(),
      "a non-empty path").fromEnv("BIGRAM_OUTPUT_DIR");
  public static final Param<String> TOKENIZER_PATTERN = Param.string("tokenizer.pattern",
      TokenizerSettings.DEFAULT_PATTERN, "Java regex of one token", Keys::compiles,
      "a valid Java regular expression that does not match the empty string");
  public static final Param<Boolean> TOKENIZER_LOWERCASE = Param.bool("tokenizer.lowercase", true,
      "lowercase (Locale.ROOT)");
  public static final Param<Boolean> TOKENIZER_MARKERS = Param.bool("tokenizer.sentence-markers", false,
      "add <s> and </s> around each line, so the first and last words are predicted too");
  public static final Param<Integer> TOKENIZER_MAX_LINE = Param.integer("tokenizer.max-line-length",
      ReadSettings.DEFAULT_MAX_LINE_BYTES, "longest line in bytes; the rest of a longer line is cut and counted",
      v -> v >= 1 && v <= (1 << 28), "an integer in [1, 268435456] (bytes)");
  public static final Param<Integer> TOKENIZER_MAX_TOKEN = Param.integer("tokenizer.max-token-length",
      TokenizerSettings.DEFAULT_MAX_TOKEN_LENGTH, "longest token in characters; a longer one is dropped and counted",
      v -> v >= 1, "an integer >= 1");
  public static final Param<Integer> VOCAB_SIZE = Param.integer("vocab.size", 10_000,
      "largest V, counting <unk> (and <s>, </s> with sentence markers); at most 46340 with model.weights = dense",
      v -> v >= 2 && v <= MAX_VOCAB_SIZE, "an integer in [2, " + MAX_VOCAB_SIZE + "]");
  public static final Param<Integer> VOCAB_MIN_COUNT = Param.integer("vocab.min-count", 2,
      "words seen fewer times than this map to <unk>", v -> v >= 1, "an integer >= 1");
  public static final Param<Boolean> MODEL_BIAS = Param.bool("model.bias", true,
      "output bias b: lets rare contexts fall back to the next word's overall frequency");
  public static final Param<Double> MODEL_INIT_STDDEV = Param.dbl("model.init-stddev", 0.01,
      "standard deviation of the initial W", v -> v >= 0 && v <= 10, "a number in [0, 10]");
  public static final Param<String> MODEL_WEIGHTS = Param.string("model.weights", "auto",
      "dense (all V x V weights), sparse (a weight per distinct training pair; unseen pairs score their bias) or"
          + " auto (dense up to V = " + AUTO_DENSE_LIMIT + ", sparse beyond)",
      v -> v.equals("auto") || v.equals("dense") || v.equals("sparse"), "auto, dense or sparse");
  public static final Param<Integer> MODEL_PAIR_MIN_COUNT = Param.integer("model.pair-min-count", 1,
      "sparse model: a training pair seen fewer times than this has no weight of its own and scores its bias alone",
      v -> v >= 1, "an integer >= 1");
  public static final Param<Long> MODEL_SEED = Param.lng("model.seed", 42L, "seed of the initial W (and of the low-rank factors)");
  public static final Param<String> MODEL_INIT_BIAS = Param.string("model.init-bias", "unigram",
      "starting bias: zero, or unigram (the log share of each word among the training bigrams' next words)",
      v -> v.equals("zero") || v.equals("unigram"), "zero or unigram");
  public static final Param<Integer> MODEL_RANK = Param.integerOrAuto("model.rank", "auto",
      "the rank r of a low-rank term A[prev] . B[next] beside W, which contexts followed alike share (0: none),"
          + " or auto: " + AUTO_RANK + " when the training bigrams are at least " + AUTO_RANK_BIGRAMS_PER_FACTOR
          + " times the factors' 2 r V parameters, else 0; dense model only (the sparse model has none);"
          + " published folded into W", v -> v >= 0 && v <= 1024, "auto or an integer in [0, 1024]");
  public static final Param<Double> MODEL_RANK_L2 = Param.dbl("model.rank-l2", 3.0,
      "the L2 strength of the low-rank factors A and B, as a multiple of train.l2",
      v -> v >= 0 && v <= 1e6, "a number in [0, 1000000]");
  public static final Param<String> TRAIN_OPTIMIZER = Param.string("train.optimizer", "adam",
      "update rule: sgd (the classroom exercise's) or adam", v -> v.equals("sgd") || v.equals("adam"),
      "sgd or adam");
  public static final Param<Double> TRAIN_LR = Param.dbl("train.learning-rate", 0.3, "initial learning rate",
      v -> v > 0 && Double.isFinite(v), "a number > 0");
  public static final Param<Double> TRAIN_DECAY = Param.dbl("train.decay", 0.99,
      "learning-rate decay per epoch: lr_e = max(learning-rate * decay^e, min-learning-rate)",
      v -> v > 0 && v <= 1, "a number in (0, 1]");
  public static final Param<Double> TRAIN_MIN_LR = Param.dbl("train.min-learning-rate", 0.001,
      "floor of the learning rate", v -> v >= 0 && Double.isFinite(v), "a number >= 0");
  public static final Param<Integer> TRAIN_MAX_EPOCHS = Param.integer("train.max-epochs", 300, "most epochs",
      v -> v >= 1, "an integer >= 1");
  public static final Param<Double> TRAIN_L2 = Param.dblOrAuto("train.l2", "auto",
      "L2 strength on W (not b), or auto: chosen by validation loss over a few trainings; without validation"
          + " data auto means 0", v -> v >= 0 && Double.isFinite(v), "a number >= 0 or auto");
  public static final Param<Double> TRAIN_VALIDATION = Param.dbl("train.validation-fraction", 0.1,
      "share of lines held out, by a deterministic hash of the line", v -> v >= 0 && v < 1, "a number in [0, 1)");
  public static final Param<Integer> TRAIN_CHECKPOINT = Param.integer("train.checkpoint-every", 0,
      "epochs between checkpoints in the staging run, 0 = none", v -> v >= 0, "an integer >= 0");
  public static final Param<Integer> TRAIN_PARTITIONS = Param.integer("train.partitions", 0,
      "partitions of the bigram data, each owning a block of rows of W; 0 = Spark's default parallelism",
      v -> v >= 0, "an integer >= 0");
  public static final Param<String> TRAIN_BROADCAST = Param.string("train.broadcast", "sharded",
      "how W is shipped: sharded (each task fetches only its rows) or whole (one broadcast of all of W)",
      v -> v.equals("sharded") || v.equals("whole"), "sharded or whole");
  public static final Param<String> TRAIN_KERNEL = Param.string("train.kernel", "fast",
      "per-row math: fast (float, vector API where available) or exact (the double reference)",
      v -> v.equals("fast") || v.equals("exact"), "fast or exact");
  public static final Param<Boolean> TRAIN_LOCAL_EXCHANGE = Param.bool("train.local-exchange", true,
      "in local mode, where an epoch runs: true, on the driver's cores over the counts, W and the gradient in"
          + " memory (as train.cluster-exchange = driver); false, through Spark's broadcast and task results");
  public static final Param<String> TRAIN_CLUSTER_EXCHANGE = Param.string("train.cluster-exchange", "driver",
      "on a cluster, where an epoch runs: driver (the driver's cores over the collected counts; nothing shipped)"
          + " or broadcast (the executors, through Spark's broadcast and task results)",
      v -> v.equals("driver") || v.equals("broadcast"), "driver or broadcast");
  public static final Param<Integer> ES_PATIENCE = Param.integer("early-stopping.patience", 5,
      "epochs in a row without an improvement larger than min-delta before stopping", v -> v >= 1,
      "an integer >= 1");
  public static final Param<Double> ES_MIN_DELTA = Param.dbl("early-stopping.min-delta", 0.0001,
      "smallest improvement of the monitored loss that counts", v -> v >= 0 && Double.isFinite(v),
      "a number >= 0");
  public static final Param<Boolean> ES_STOP_ON_CONVERGENCE = Param.bool("early-stopping.stop-on-convergence",
      false, "also stop when the training loss has converged (analysis.convergence-tolerance)");
  public static final Param<Double> AN_STATUS_THRESHOLD = Param.dbl("analysis.status-threshold", 0.005,
      "a training-loss change within +- this is Stable", v -> v >= 0 && Double.isFinite(v), "a number >= 0");
  public static final Param<Double> AN_CONVERGENCE_TOLERANCE = Param.dbl("analysis.convergence-tolerance", 0.001,
      "converged when the mean absolute training-loss change over the last 3 epochs is below this",
      v -> v > 0 && Double.isFinite(v), "a number > 0");
  public static final Param<List<String>> AN_TRACE_PAIRS = Param.strings("analysis.trace-pairs", List.of(),
      "pairs prev>next whose probability is recorded every epoch", v -> true,
      "a list of pairs such as [\"the>cat\"]");
  public static final Param<Integer> AN_TRACE_TOP = Param.integer("analysis.trace-top", 5,
      "most frequent training pairs traced when none are configured", v -> v >= 0 && v <= 100,
      "an integer in [0, 100]");
  public static final Param<Integer> AN_WORDS = Param.integer("analysis.words", 10,
      "most frequent context words in the pattern analysis", v -> v >= 0 && v <= 1000, "an integer in [0, 1000]");
  public static final Param<Integer> AN_TOP_K = Param.integer("analysis.top-k", 3,
      "most next words per context word in patterns/", v -> v >= 1 && v <= 100, "an integer in [1, 100]");
  public static final Param<Double> AN_MIN_PROBABILITY = Param.dbl("analysis.min-probability", 0.1,
      "next words at or below this probability are not patterns", v -> v >= 0 && v < 1, "a number in [0, 1)");
  public static final Param<List<String>> AN_EXPECT = Param.strings("analysis.expect", List.of(),
      "pairs the trained model must predict: prev>next or prev>next>=p", v -> true,
      "a list of pairs such as [\"cat>sat\", \"sat>on>=0.3\"]");
  public static final Param<Double> AN_EXPECT_MIN = Param.dbl("analysis.expect-min-probability", 0.2,
      "minimum probability of an expected pair without its own", v -> v >= 0 && v <= 1, "a number in [0, 1]");
  public static final Param<Boolean> AN_FAIL_ON_EXPECTATIONS = Param.bool("analysis.fail-on-expectations", false,
      "a missed expectation fails the run (exit code 6) and leaves LATEST alone");
  public static final Param<Double> PUBLISH_REGRESSION_MARGIN = Param.dbl("publish.regression-margin", 0.01,
      "LATEST moves to a new run only if its cross-entropy on the new validation split (pairs of words in both"
          + " vocabularies) is at most this many nats above the published model's; --force-publish overrides",
      v -> v >= 0 && Double.isFinite(v), "a number >= 0 (nats)");
  public static final Param<Integer> PUBLISH_KEEP_RUNS = Param.integer("publish.keep-runs", 0,
      "after a publish, keep this many newest published runs (and always the one LATEST names), delete older"
          + " ones; 0 keeps every run", v -> v >= 0, "an integer >= 0");
  public static final Param<Map<String, String>> HADOOP = Param.section("hadoop",
      "Hadoop settings for the job's file systems, any key (e.g. \"fs.s3a.endpoint\"); secrets are redacted in"
          + " the run's config.conf");

  /** Every key, in the order of docs/configuration.md. */
  public static final List<Param<?>> ALL = List.of(INPUT_PATHS, INPUT_BINARY_THRESHOLD, INPUT_ON_BINARY,
      INPUT_ENCODING, OUTPUT_DIR, TOKENIZER_PATTERN, TOKENIZER_LOWERCASE, TOKENIZER_MARKERS, TOKENIZER_MAX_LINE,
      TOKENIZER_MAX_TOKEN, VOCAB_SIZE, VOCAB_MIN_COUNT, MODEL_WEIGHTS, MODEL_PAIR_MIN_COUNT, MODEL_BIAS, MODEL_INIT_STDDEV, MODEL_SEED, MODEL_INIT_BIAS,
      MODEL_RANK, MODEL_RANK_L2,
      TRAIN_OPTIMIZER, TRAIN_LR, TRAIN_DECAY, TRAIN_MIN_LR, TRAIN_MAX_EPOCHS, TRAIN_L2, TRAIN_VALIDATION,
      TRAIN_CHECKPOINT, TRAIN_PARTITIONS, TRAIN_BROADCAST, TRAIN_KERNEL, TRAIN_LOCAL_EXCHANGE, TRAIN_CLUSTER_EXCHANGE,
      ES_PATIENCE, ES_MIN_DELTA, ES_STOP_ON_CONVERGENCE, AN_STATUS_THRESHOLD, AN_CONVERGENCE_TOLERANCE, AN_TRACE_PAIRS,
      AN_TRACE_TOP, AN_WORDS, AN_TOP_K, AN_MIN_PROBABILITY, AN_EXPECT, AN_EXPECT_MIN, AN_FAIL_ON_EXPECTATIONS,
      PUBLISH_REGRESSION_MARGIN, PUBLISH_KEEP_RUNS, HADOOP);

  private static boolean compiles(String regex) {
    try {
      return !Pattern.compile(regex).matcher("").matches();
    } catch (PatternSyntaxException e) {
      return false;
    }
  }
}
