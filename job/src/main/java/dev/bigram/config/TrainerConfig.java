package dev.bigram.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import dev.bigram.config.AnalysisSettings;
import dev.bigram.config.ExpectedPattern;
import dev.bigram.config.WordPair;
import dev.bigram.config.ReadSettings;
import dev.bigram.config.TokenizerSettings;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The validated, immutable settings of a run. Built once at start-up from the defaults in the jar
 * ({@code dev/bigram/config/reference.conf}), an optional HOCON file and {@code --set} overrides; every key is
 * checked and all problems are reported together in one {@link ConfigurationException}.
 */
public record TrainerConfig(
    List<String> inputPaths,
    String outputDir,
    TokenizerSettings tokenizer,
    int vocabSize,
    long vocabMinCount,
    boolean bias,
    double initStddev,
    long seed,
    String initBias,
    String optimizer,
    double learningRate,
    double decay,
    double minLearningRate,
    int maxEpochs,
    double l2,
    double validationFraction,
    int checkpointEvery,
    int partitions,
    String broadcast,
    String kernel,
    boolean localExchange,
    int patience,
    double minDelta,
    boolean stopOnConvergence,
    AnalysisSettings analysis,
    Map<String, String> hadoop,
    ReadSettings input,
    Config effective) {

  static final String REFERENCE = "dev/bigram/config/reference.conf";

  // ---- every key, declared once -------------------------------------------------------------------------
  static final Param<List<String>> INPUT_PATHS = Param.strings("input.paths",
      "Hadoop paths or globs of the corpus", v -> true, "a list of paths");
  static final Param<String> OUTPUT_DIR = Param.string("output.dir",
      "directory under which runs are published", v -> !v.isBlank(), "a non-empty path");
  static final Param<String> TOKENIZER_PATTERN = Param.string("tokenizer.pattern",
      "Java regex of one token", TrainerConfig::compiles,
      "a valid Java regular expression that does not match the empty string");
  static final Param<String> INPUT_ON_BINARY = Param.string("input.on-binary",
      "what to do with a file that looks binary", v -> v.equals("skip") || v.equals("fail"), "skip or fail");
  static final Param<Double> INPUT_BINARY_THRESHOLD = Param.dbl("input.binary-threshold",
      "share of damaged bytes in a file's first 64 KiB above which it is binary", v -> v > 0 && v <= 1,
      "a number in (0, 1]");
  static final Param<Integer> TOKENIZER_MAX_LINE = Param.integer("tokenizer.max-line-length",
      "longest line in bytes; the rest of a longer line is cut and counted", v -> v >= 1 && v <= (1 << 28),
      "an integer in [1, 268435456] (bytes)");
  static final Param<Integer> TOKENIZER_MAX_TOKEN = Param.integer("tokenizer.max-token-length",
      "longest token in characters; a longer one is dropped and counted", v -> v >= 1, "an integer >= 1");
  static final Param<Boolean> TOKENIZER_LOWERCASE = Param.bool("tokenizer.lowercase", "lowercase (Locale.ROOT)");
  static final Param<Boolean> TOKENIZER_MARKERS = Param.bool("tokenizer.sentence-markers",
      "add <s> and </s> around each line");
  static final Param<Integer> VOCAB_SIZE = Param.integer("vocab.size",
      "largest V including special tokens", v -> v >= 2 && v <= 46_340, "an integer in [2, 46340]");
  static final Param<Integer> VOCAB_MIN_COUNT = Param.integer("vocab.min-count",
      "minimum occurrences of a word", v -> v >= 1, "an integer >= 1");
  static final Param<Boolean> MODEL_BIAS = Param.bool("model.bias", "output bias b");
  static final Param<Double> MODEL_INIT_STDDEV = Param.dbl("model.init-stddev",
      "standard deviation of the initial W", v -> v >= 0 && v <= 10, "a number in [0, 10]");
  static final Param<Long> MODEL_SEED = Param.lng("model.seed", "seed of the initial W");
  static final Param<String> MODEL_INIT_BIAS = Param.string("model.init-bias",
      "starting bias: zero, or unigram (the log share of each word among the training bigrams' next words)",
      v -> v.equals("zero") || v.equals("unigram"), "zero or unigram");
  static final Param<String> TRAIN_OPTIMIZER = Param.string("train.optimizer",
      "update rule", v -> v.equals("sgd") || v.equals("adam"), "sgd or adam");
  static final Param<Double> TRAIN_LR = Param.dbl("train.learning-rate",
      "initial learning rate", v -> v > 0 && Double.isFinite(v), "a number > 0");
  static final Param<Double> TRAIN_DECAY = Param.dbl("train.decay",
      "learning-rate decay per epoch", v -> v > 0 && v <= 1, "a number in (0, 1]");
  static final Param<Double> TRAIN_MIN_LR = Param.dbl("train.min-learning-rate",
      "floor of the learning rate", v -> v >= 0 && Double.isFinite(v), "a number >= 0");
  static final Param<Integer> TRAIN_MAX_EPOCHS = Param.integer("train.max-epochs",
      "most epochs", v -> v >= 1, "an integer >= 1");
  static final Param<Double> TRAIN_L2 = Param.dblOrAuto("train.l2",
      "L2 strength on W, or auto (chosen by validation loss)", v -> v >= 0 && Double.isFinite(v),
      "a number >= 0 or auto");
  static final Param<Double> TRAIN_VALIDATION = Param.dbl("train.validation-fraction",
      "share of lines held out", v -> v >= 0 && v < 1, "a number in [0, 1)");
  static final Param<Integer> TRAIN_CHECKPOINT = Param.integer("train.checkpoint-every",
      "epochs between checkpoints, 0 = none", v -> v >= 0, "an integer >= 0");
  static final Param<Integer> TRAIN_PARTITIONS = Param.integer("train.partitions",
      "partitions of the bigram data, 0 = default parallelism", v -> v >= 0, "an integer >= 0");
  static final Param<String> TRAIN_BROADCAST = Param.string("train.broadcast",
      "how W is shipped", v -> v.equals("sharded") || v.equals("whole"), "sharded or whole");
  static final Param<String> TRAIN_KERNEL = Param.string("train.kernel",
      "per-row math: fast (float, vector API) or exact (double reference)",
      v -> v.equals("fast") || v.equals("exact"), "fast or exact");
  static final Param<Boolean> TRAIN_LOCAL_EXCHANGE = Param.bool("train.local-exchange",
      "in local mode, share W and the gradient with the tasks through memory instead of serializing them");
  static final Param<Integer> ES_PATIENCE = Param.integer("early-stopping.patience",
      "epochs without improvement before stopping", v -> v >= 1, "an integer >= 1");
  static final Param<Double> ES_MIN_DELTA = Param.dbl("early-stopping.min-delta",
      "smallest improvement that counts", v -> v >= 0 && Double.isFinite(v), "a number >= 0");
  static final Param<Boolean> ES_STOP_ON_CONVERGENCE = Param.bool("early-stopping.stop-on-convergence",
      "also stop when the training loss has converged (analysis.convergence-tolerance)");
  static final Param<Double> AN_STATUS_THRESHOLD = Param.dbl("analysis.status-threshold",
      "a training-loss change within +- this is Stable", v -> v >= 0 && Double.isFinite(v), "a number >= 0");
  static final Param<Double> AN_CONVERGENCE_TOLERANCE = Param.dbl("analysis.convergence-tolerance",
      "converged when the mean absolute training-loss change over the last 3 epochs is below this",
      v -> v > 0 && Double.isFinite(v), "a number > 0");
  static final Param<List<String>> AN_TRACE_PAIRS = Param.strings("analysis.trace-pairs",
      "pairs prev>next whose probability is recorded every epoch", v -> true, "a list of pairs such as [\"the>cat\"]");
  static final Param<Integer> AN_TRACE_TOP = Param.integer("analysis.trace-top",
      "most frequent training pairs traced when none are configured", v -> v >= 0 && v <= 100,
      "an integer in [0, 100]");
  static final Param<Integer> AN_WORDS = Param.integer("analysis.words",
      "most frequent context words in the pattern analysis", v -> v >= 0 && v <= 1000, "an integer in [0, 1000]");
  static final Param<Integer> AN_TOP_K = Param.integer("analysis.top-k",
      "most next words per context word in patterns/", v -> v >= 1 && v <= 100, "an integer in [1, 100]");
  static final Param<Double> AN_MIN_PROBABILITY = Param.dbl("analysis.min-probability",
      "next words at or below this probability are not patterns", v -> v >= 0 && v < 1, "a number in [0, 1)");
  static final Param<List<String>> AN_EXPECT = Param.strings("analysis.expect",
      "pairs the trained model must predict: prev>next or prev>next>=p", v -> true,
      "a list of pairs such as [\"cat>sat\", \"sat>on>=0.3\"]");
  static final Param<Double> AN_EXPECT_MIN = Param.dbl("analysis.expect-min-probability",
      "minimum probability of an expected pair without its own", v -> v >= 0 && v <= 1, "a number in [0, 1]");
  static final Param<Boolean> AN_FAIL_ON_EXPECTATIONS = Param.bool("analysis.fail-on-expectations",
      "a missed expectation fails the run (exit code 6) and leaves LATEST alone");
  static final Param<Map<String, String>> HADOOP = Param.section("hadoop",
      "Hadoop settings for the job's file systems, any key (e.g. \"fs.s3a.endpoint\")");

  static final List<Param<?>> ALL = List.of(INPUT_PATHS, OUTPUT_DIR, TOKENIZER_PATTERN, TOKENIZER_LOWERCASE,
      TOKENIZER_MARKERS, VOCAB_SIZE, VOCAB_MIN_COUNT, MODEL_BIAS, MODEL_INIT_STDDEV, MODEL_SEED, MODEL_INIT_BIAS,
      TRAIN_OPTIMIZER, TRAIN_LR, TRAIN_DECAY, TRAIN_MIN_LR, TRAIN_MAX_EPOCHS, TRAIN_L2, TRAIN_VALIDATION,
      TRAIN_CHECKPOINT, TRAIN_PARTITIONS, TRAIN_BROADCAST, TRAIN_KERNEL, TRAIN_LOCAL_EXCHANGE, ES_PATIENCE,
      ES_MIN_DELTA, ES_STOP_ON_CONVERGENCE, AN_STATUS_THRESHOLD, AN_CONVERGENCE_TOLERANCE, AN_TRACE_PAIRS,
      AN_TRACE_TOP, AN_WORDS, AN_TOP_K, AN_MIN_PROBABILITY, AN_EXPECT, AN_EXPECT_MIN, AN_FAIL_ON_EXPECTATIONS,
      HADOOP, INPUT_ON_BINARY, INPUT_BINARY_THRESHOLD, TOKENIZER_MAX_LINE, TOKENIZER_MAX_TOKEN);

  private static boolean compiles(String regex) {
    try {
      return !Pattern.compile(regex).matcher("").matches();
    } catch (PatternSyntaxException e) {
      return false;
    }
  }

  /** The defaults shipped in the jar. */
  public static Config reference() {
    return ConfigFactory.parseResources(TrainerConfig.class.getClassLoader(), REFERENCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
  }

  /**
   * Loads {@code file} (may be null) and the {@code key=value} overrides over the defaults, validates every
   * key and returns the settings, or throws one exception listing every problem.
   */
  public static TrainerConfig load(File file, List<String> overrides) {
    List<String> errors = new ArrayList<>();
    Config user = ConfigFactory.empty();
    for (int i = overrides.size() - 1; i >= 0; i--) {
      // Later --set wins: parse in reverse, each falling back to the ones after it.
      String kv = overrides.get(i);
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        errors.add("--set " + kv + " is not of the form key=value");
        continue;
      }
      String key = kv.substring(0, eq).trim();
      String value = kv.substring(eq + 1).trim();
      try {
        user = user.withFallback(ConfigFactory.parseString(key + " = " + quoteIfNeeded(value)));
      } catch (com.typesafe.config.ConfigException e) {
        errors.add("--set " + key + ": cannot parse value '" + value + "'");
      }
    }
    // --set values override the file, which overrides the defaults.
    Config merged = ConfigFactory.empty();
    if (file != null) {
      if (!file.isFile()) {
        throw new ConfigurationException(List.of("--conf " + file + ": no such file; pass an existing HOCON file"
            + " such as conf/trainer.conf"));
      }
      try {
        Config fromFile = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
        user = user.withFallback(fromFile);
      } catch (com.typesafe.config.ConfigException e) {
        throw new ConfigurationException(List.of("--conf " + file + ": " + e.getMessage()));
      }
    }
    Config reference = reference();
    checkUnknownKeys(user, reference, errors);
    try {
      merged = user.withFallback(reference).resolve();
    } catch (com.typesafe.config.ConfigException e) {
      errors.add(e.getMessage());
      throw new ConfigurationException(errors);
    }
    TrainerConfig config = fromResolved(merged, errors);
    if (!errors.isEmpty()) {
      throw new ConfigurationException(errors);
    }
    return config;
  }

  /** Values that HOCON would misread (paths with ':' or '/') are quoted; lists and objects are kept. */
  private static String quoteIfNeeded(String value) {
    if (value.startsWith("[") || value.startsWith("{") || value.startsWith("\"")) return value;
    if (value.matches("[A-Za-z0-9_.+-]*")) return value;
    return ConfigValueFactory.fromAnyRef(value).render(ConfigRenderOptions.concise());
  }

  private static void checkUnknownKeys(Config user, Config reference, List<String> errors) {
    Set<String> known = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : reference.entrySet()) known.add(e.getKey());
    for (Param<?> p : ALL) known.add(p.name());
    for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
      String key = e.getKey();
      if (!known.contains(key) && !key.startsWith(HADOOP.name() + ".")) {
        String nearest = Suggest.nearest(key, known);
        errors.add("unknown key " + key + (nearest == null ? "" : " (did you mean " + nearest + "?)"));
      }
    }
  }

  private static TrainerConfig fromResolved(Config c, List<String> errors) {
    List<String> inputs = INPUT_PATHS.read(c, errors);
    Double lr = TRAIN_LR.read(c, errors);
    Double minLr = TRAIN_MIN_LR.read(c, errors);
    TrainerConfig config = new TrainerConfig(
        inputs,
        OUTPUT_DIR.read(c, errors),
        new TokenizerSettings(
            orDefault(TOKENIZER_PATTERN.read(c, errors), TokenizerSettings.DEFAULT_PATTERN),
            orDefault(TOKENIZER_LOWERCASE.read(c, errors), true),
            orDefault(TOKENIZER_MARKERS.read(c, errors), false),
            orDefault(TOKENIZER_MAX_TOKEN.read(c, errors), TokenizerSettings.DEFAULT_MAX_TOKEN_LENGTH)),
        orDefault(VOCAB_SIZE.read(c, errors), 2),
        orDefault(VOCAB_MIN_COUNT.read(c, errors), 1),
        orDefault(MODEL_BIAS.read(c, errors), true),
        orDefault(MODEL_INIT_STDDEV.read(c, errors), 0.0),
        orDefault(MODEL_SEED.read(c, errors), 0L),
        orDefault(MODEL_INIT_BIAS.read(c, errors), "zero"),
        orDefault(TRAIN_OPTIMIZER.read(c, errors), "adam"),
        orDefault(lr, 1.0),
        orDefault(TRAIN_DECAY.read(c, errors), 1.0),
        orDefault(minLr, 0.0),
        orDefault(TRAIN_MAX_EPOCHS.read(c, errors), 1),
        l2OrZero(TRAIN_L2.read(c, errors)),
        orDefault(TRAIN_VALIDATION.read(c, errors), 0.0),
        orDefault(TRAIN_CHECKPOINT.read(c, errors), 0),
        orDefault(TRAIN_PARTITIONS.read(c, errors), 0),
        orDefault(TRAIN_BROADCAST.read(c, errors), "sharded"),
        orDefault(TRAIN_KERNEL.read(c, errors), "fast"),
        orDefault(TRAIN_LOCAL_EXCHANGE.read(c, errors), true),
        orDefault(ES_PATIENCE.read(c, errors), 1),
        orDefault(ES_MIN_DELTA.read(c, errors), 0.0),
        orDefault(ES_STOP_ON_CONVERGENCE.read(c, errors), false),
        analysis(c, errors),
        orDefault(HADOOP.read(c, errors), Map.of()),
        new ReadSettings(
            orDefault(TOKENIZER_MAX_LINE.read(c, errors), ReadSettings.DEFAULT_MAX_LINE_BYTES),
            orDefault(INPUT_BINARY_THRESHOLD.read(c, errors), ReadSettings.DEFAULT_BINARY_THRESHOLD),
            "fail".equals(INPUT_ON_BINARY.read(c, errors))),
        c);
    if (lr != null && minLr != null && minLr > lr) {
      errors.add("train.min-learning-rate = " + minLr + " is larger than train.learning-rate = " + lr
          + ": lower the minimum or raise the rate");
    }
    return config;
  }

  private static AnalysisSettings analysis(Config c, List<String> errors) {
    List<WordPair> trace = new ArrayList<>();
    for (String text : orDefault(AN_TRACE_PAIRS.read(c, errors), List.<String>of())) {
      try {
        trace.add(WordPair.parse(text));
      } catch (IllegalArgumentException e) {
        errors.add(AN_TRACE_PAIRS.name() + ": " + e.getMessage() + ", e.g. \"the>cat\"");
      }
    }
    double defaultMinimum = orDefault(AN_EXPECT_MIN.read(c, errors), 0.2);
    List<ExpectedPattern> expect = new ArrayList<>();
    for (String text : orDefault(AN_EXPECT.read(c, errors), List.<String>of())) {
      try {
        expect.add(ExpectedPattern.parse(text, defaultMinimum));
      } catch (IllegalArgumentException e) {
        errors.add(AN_EXPECT.name() + ": " + e.getMessage() + "; write prev>next or prev>next>=p, e.g."
            + " \"cat>sat>=0.2\"");
      }
    }
    return new AnalysisSettings(
        orDefault(AN_STATUS_THRESHOLD.read(c, errors), 0.005),
        orDefault(AN_CONVERGENCE_TOLERANCE.read(c, errors), 0.001),
        trace,
        orDefault(AN_TRACE_TOP.read(c, errors), 0),
        orDefault(AN_WORDS.read(c, errors), 0),
        orDefault(AN_TOP_K.read(c, errors), 1),
        orDefault(AN_MIN_PROBABILITY.read(c, errors), 0.1),
        expect,
        orDefault(AN_FAIL_ON_EXPECTATIONS.read(c, errors), false));
  }

  /** {@code train.l2 = auto} is read as NaN: the record keeps 0 as the fixed value, and {@link #l2Auto()}. */
  private static double l2OrZero(Double value) {
    return value == null || value.isNaN() ? 0.0 : value;
  }

  /** {@code train.l2 = auto}: the L2 strength is chosen by validation loss ({@code dev.bigram.job.L2Search}). */
  public boolean l2Auto() {
    return effective.getValue(TRAIN_L2.name()).valueType() == com.typesafe.config.ConfigValueType.STRING
        && effective.getString(TRAIN_L2.name()).equals("auto");
  }

  private static <T> T orDefault(T value, T fallback) {
    return value == null ? fallback : value;
  }

  /** The same settings with single keys replaced (tests, and commands that fix some keys). */
  public TrainerConfig with(String... keyValues) {
    List<String> sets = new ArrayList<>(List.of(keyValues));
    Config c = effective;
    for (String kv : sets) {
      int eq = kv.indexOf('=');
      c = ConfigFactory.parseString(kv.substring(0, eq) + " = " + quoteIfNeeded(kv.substring(eq + 1)))
          .withFallback(c);
    }
    List<String> errors = new ArrayList<>();
    TrainerConfig out = fromResolved(c.resolve(), errors);
    if (!errors.isEmpty()) throw new ConfigurationException(errors);
    return out;
  }

  /** The effective configuration as HOCON with secrets masked ({@link Redaction}), for the run directory. */
  public String render() {
    return Redaction.render(effective);
  }
}
