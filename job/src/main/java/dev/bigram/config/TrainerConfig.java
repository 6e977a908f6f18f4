package dev.bigram.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The validated, immutable settings of a run. Built once at start-up from the defaults of {@link Keys}, an
 * optional HOCON file and {@code --set} overrides; every key is
 * checked and all problems are reported together in one {@link ConfigurationException}.
 */
public record TrainerConfig(
    List<String> inputPaths,
    String outputDir,
    TokenizerSettings tokenizer,
    int vocabSize,
    long vocabMinCount,
    String modelWeights,
    long pairMinCount,
    boolean bias,
    double initStddev,
    long seed,
    String initBias,
    int rank,
    double rankL2,
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
    String clusterExchange,
    int patience,
    double minDelta,
    boolean stopOnConvergence,
    AnalysisSettings analysis,
    double regressionMargin,
    int keepRuns,
    Map<String, String> hadoop,
    ReadSettings input,
    Config effective) {

  /**
   * The defaults of every key ({@link Keys}), each replaced by its environment variable when that is set
   * ({@code BIGRAM_INPUT} for {@code input.paths}, {@code BIGRAM_OUTPUT_DIR} for {@code output.dir}).
   */
  public static Config reference() {
    Config c = ConfigFactory.empty();
    for (Param<?> p : Keys.ALL) {
      String env = p.env() == null ? null : System.getenv(p.env());
      c = c.withValue(p.name(), env != null
          ? ConfigValueFactory.fromAnyRef(env, "environment variable " + p.env())
          : ConfigValueFactory.fromAnyRef(p.defaultValue(), "default of " + p.name()));
    }
    return c;
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
        throw new ConfigurationException(List.of("--conf " + file + ": " + e.getMessage() + unclosedBrace(file)));
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

  /** For a syntax error: the line whose {@code {} is never closed, when there is one. */
  private static String unclosedBrace(File file) {
    try {
      java.util.OptionalInt line = UnclosedBrace.of(java.nio.file.Files.readString(file.toPath()));
      return line.isPresent() ? "; the { opened at line " + line.getAsInt() + " is never closed: a } is missing"
          : "";
    } catch (java.io.IOException | RuntimeException e) {
      return "";
    }
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
    for (Param<?> p : Keys.ALL) known.add(p.name());
    for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
      String key = e.getKey();
      if (!known.contains(key) && !key.startsWith(Keys.HADOOP.name() + ".")) {
        String nearest = Suggest.nearest(key, known);
        errors.add("unknown key " + key + (nearest == null ? "" : " (did you mean " + nearest + "?)"));
      }
    }
  }

  /** Reads and validates every key; returns null (with {@code errors} filled) when any is wrong. */
  private static TrainerConfig fromResolved(Config c, List<String> errors) {
    Map<Param<?>, Object> v = new java.util.HashMap<>();
    for (Param<?> p : Keys.ALL) {
      Object value = p.read(c, errors);
      if (value != null) v.put(p, value);
    }
    // Checks across keys and of list entries, where the keys themselves are valid: every problem is reported.
    Double lr = get(v, Keys.TRAIN_LR);
    Double minLr = get(v, Keys.TRAIN_MIN_LR);
    if (lr != null && minLr != null && minLr > lr) {
      errors.add("train.min-learning-rate = " + minLr + " is larger than train.learning-rate = " + lr
          + ": lower the minimum or raise the rate");
    }
    Integer vocabSize = get(v, Keys.VOCAB_SIZE);
    if (vocabSize != null && vocabSize > 46_340 && "dense".equals(get(v, Keys.MODEL_WEIGHTS))) {
      errors.add("vocab.size = " + vocabSize + " is above 46340, the largest dense V x V matrix: set model.weights"
          + " = sparse (or auto), or lower vocab.size");
    }
    Integer rank = get(v, Keys.MODEL_RANK);
    // Only model.weights = dense reaches these sizes: auto is dense up to AUTO_DENSE_LIMIT.
    if (vocabSize != null && vocabSize <= 46_340 && rank != null && rank > 0
        && "dense".equals(get(v, Keys.MODEL_WEIGHTS))
        && !denseFits(vocabSize, rank)) {
      errors.add("vocab.size = " + vocabSize + " and model.rank = " + rank + " give " + vocabSize + "^2 + 2 x "
          + rank + " x " + vocabSize + " dense weights, more than one Java array holds: lower model.rank or"
          + " vocab.size, or set model.weights = sparse");
    }
    List<WordPair> trace = tracePairs(v, errors);
    List<ExpectedPattern> expect = expectations(v, errors);
    if (!errors.isEmpty()) return null;
    AnalysisSettings analysis = new AnalysisSettings(get(v, Keys.AN_STATUS_THRESHOLD),
        get(v, Keys.AN_CONVERGENCE_TOLERANCE), trace, get(v, Keys.AN_TRACE_TOP), get(v, Keys.AN_WORDS),
        get(v, Keys.AN_TOP_K), get(v, Keys.AN_MIN_PROBABILITY), expect, get(v, Keys.AN_FAIL_ON_EXPECTATIONS));
    return new TrainerConfig(
        get(v, Keys.INPUT_PATHS),
        get(v, Keys.OUTPUT_DIR),
        new TokenizerSettings(get(v, Keys.TOKENIZER_PATTERN), get(v, Keys.TOKENIZER_LOWERCASE),
            get(v, Keys.TOKENIZER_MARKERS), get(v, Keys.TOKENIZER_MAX_TOKEN)),
        get(v, Keys.VOCAB_SIZE),
        get(v, Keys.VOCAB_MIN_COUNT),
        get(v, Keys.MODEL_WEIGHTS),
        get(v, Keys.MODEL_PAIR_MIN_COUNT),
        get(v, Keys.MODEL_BIAS),
        get(v, Keys.MODEL_INIT_STDDEV),
        get(v, Keys.MODEL_SEED),
        get(v, Keys.MODEL_INIT_BIAS),
        get(v, Keys.MODEL_RANK),
        get(v, Keys.MODEL_RANK_L2),
        get(v, Keys.TRAIN_OPTIMIZER),
        lr,
        get(v, Keys.TRAIN_DECAY),
        minLr,
        get(v, Keys.TRAIN_MAX_EPOCHS),
        l2OrZero(get(v, Keys.TRAIN_L2)),
        get(v, Keys.TRAIN_VALIDATION),
        get(v, Keys.TRAIN_CHECKPOINT),
        get(v, Keys.TRAIN_PARTITIONS),
        get(v, Keys.TRAIN_BROADCAST),
        get(v, Keys.TRAIN_KERNEL),
        get(v, Keys.TRAIN_LOCAL_EXCHANGE),
        get(v, Keys.TRAIN_CLUSTER_EXCHANGE),
        get(v, Keys.ES_PATIENCE),
        get(v, Keys.ES_MIN_DELTA),
        get(v, Keys.ES_STOP_ON_CONVERGENCE),
        analysis,
        get(v, Keys.PUBLISH_REGRESSION_MARGIN),
        get(v, Keys.PUBLISH_KEEP_RUNS),
        get(v, Keys.HADOOP),
        new ReadSettings(get(v, Keys.TOKENIZER_MAX_LINE), get(v, Keys.INPUT_BINARY_THRESHOLD),
            "fail".equals(get(v, Keys.INPUT_ON_BINARY)),
            "auto".equals(get(v, Keys.INPUT_ENCODING))),
        c);
  }

  @SuppressWarnings("unchecked")
  private static <T> T get(Map<Param<?>, Object> values, Param<T> key) {
    return (T) values.get(key);
  }

  private static List<WordPair> tracePairs(Map<Param<?>, Object> v, List<String> errors) {
    return parseEach(get(v, Keys.AN_TRACE_PAIRS), WordPair::parse, Keys.AN_TRACE_PAIRS, ", e.g. \"the>cat\"",
        errors);
  }

  /** The expected patterns; checked only once their default minimum is valid. */
  private static List<ExpectedPattern> expectations(Map<Param<?>, Object> v, List<String> errors) {
    Double defaultMinimum = get(v, Keys.AN_EXPECT_MIN);
    if (defaultMinimum == null) return List.of();
    return parseEach(get(v, Keys.AN_EXPECT), text -> ExpectedPattern.parse(text, defaultMinimum), Keys.AN_EXPECT,
        "; write prev>next or prev>next>=p, e.g. \"cat>sat>=0.2\"", errors);
  }

  /** Parses every entry of a list key; an entry that does not parse is an error naming the key and a hint. */
  private static <T> List<T> parseEach(List<String> texts, java.util.function.Function<String, T> parser,
      Param<List<String>> key, String hint, List<String> errors) {
    List<T> out = new ArrayList<>();
    for (String text : texts == null ? List.<String>of() : texts) {
      try {
        out.add(parser.apply(text));
      } catch (IllegalArgumentException e) {
        errors.add(key.name() + ": " + e.getMessage() + hint);
      }
    }
    return out;
  }

  /** Whether a vocabulary of {@code numClasses} words trains the sparse model ({@code model.weights}). */
  public boolean sparseFor(int numClasses) {
    return switch (modelWeights) {
      case "sparse" -> true;
      case "dense" -> false;
      default -> numClasses > Keys.AUTO_DENSE_LIMIT;
    };
  }

  /**
   * The rank of the low-rank term for a vocabulary of {@code numClasses} words and {@code trainBigrams} training
   * bigrams: {@code model.rank} for the dense model, or with {@code auto} {@link Keys#AUTO_RANK} when the data
   * is large enough for the factors; 0 for the sparse model (which has no factors).
   */
  public int rankFor(int numClasses, long trainBigrams) {
    if (sparseFor(numClasses)) return 0;
    if (rank >= 0) return rank;
    long factors = 2L * Keys.AUTO_RANK * numClasses;
    return denseFits(numClasses, Keys.AUTO_RANK) && trainBigrams >= Keys.AUTO_RANK_BIGRAMS_PER_FACTOR * factors
        ? Keys.AUTO_RANK : 0;
  }

  /** Whether {@code W} and factors of rank {@code rank}, {@code V^2 + 2 r V} floats, fit one Java array. */
  private static boolean denseFits(long numClasses, long rank) {
    return numClasses * numClasses + 2 * rank * numClasses <= Integer.MAX_VALUE - 8;
  }

  /** {@code train.l2 = auto} is read as NaN: the record keeps 0 as the fixed value, and {@link #l2Auto()}. */
  private static double l2OrZero(double value) {
    return Double.isNaN(value) ? 0.0 : value;
  }

  /** {@code train.l2 = auto}: the L2 strength is chosen by validation loss ({@code dev.bigram.job.L2Search}). */
  public boolean l2Auto() {
    return effective.getValue(Keys.TRAIN_L2.name()).valueType() == com.typesafe.config.ConfigValueType.STRING
        && effective.getString(Keys.TRAIN_L2.name()).equals("auto");
  }

  /** The effective configuration as HOCON with secrets masked ({@link Redaction}), for the run directory. */
  public String render() {
    return Redaction.render(effective);
  }
}
