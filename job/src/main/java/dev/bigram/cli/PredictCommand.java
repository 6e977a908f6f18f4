package dev.bigram.cli;

import dev.bigram.analysis.Confidence;
import dev.bigram.analysis.PatternAnalysis;
import dev.bigram.analysis.WordIds;
import dev.bigram.data.Tokenizer;
import dev.bigram.data.Vocabulary;
import dev.bigram.output.Json;
import dev.bigram.output.PublishedRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code predict}: the most likely next words after one word ({@code --word}), several ({@code --words a,b,c})
 * or a batch ({@code --words-from FILE}), with probabilities and the classroom exercise's confidence label
 * (high > 0.3, medium > 0.15, else low; docs/design.md). A word outside the vocabulary is answered for
 * {@code <unk>}, and says so. It needs no Spark: it reads the run's files directly ({@link PublishedRun}), so
 * {@code submit.sh} starts it as a plain JVM.
 *
 * <p>{@code --json} prints one line. For {@code --word}: an array, best first, of
 * {@code {"word", "probability", "confidence"}}. For {@code --words}: an array with one object per word, in the
 * order given: {@code {"word": as given, "context": the vocabulary word answered for, "oov": bool,
 * "predictions": [the --word array]}}.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Top-k next words after a word, or after each of several words.")
final class PredictCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Mixin
  ModelOption model;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  /** Exactly one of --word, --words and --words-from. */
  static final class Target {
    @Option(names = "--word", required = true, paramLabel = "WORD", description = "The previous word.")
    String word;

    @Option(names = "--words", required = true, split = ",", paramLabel = "WORD",
        description = "Several previous words, comma-separated: --words the,cat,dog.")
    List<String> words;

    @Option(names = "--words-from", required = true, paramLabel = "FILE",
        description = "One previous word per line, from FILE or - (standard input); prints one JSON line per word,"
            + " the object --words ... --json prints for it.")
    String wordsFrom;
  }

  @Option(names = "--include-unk", description = "Also suggest <unk> and </s> (left out by default: a bucket and"
      + " a marker, not words). Probabilities are the model's own either way.")
  boolean includeUnk;

  @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "How many next words (default 5).")
  int top;

  @Option(names = "--json", description = "Print one line of JSON (with --word: [{\"word\": ..., \"probability\":"
      + " ..., \"confidence\": ...}, ...]; with --words: [{\"word\", \"context\", \"oov\", \"predictions\"}, ...]).")
  boolean json;

  @Override
  public Integer call() {
    if (top < 1) throw new IllegalArgumentException("--top must be >= 1, got " + top);
    boolean batch = target.wordsFrom != null;
    List<String> inputs = target.word != null ? List.of(target.word) : batch ? readWords(target.wordsFrom)
        : target.words;
    for (String w : inputs) {
      if (w.isBlank() && !batch) {
        throw new IllegalArgumentException("--words has an empty word in '" + String.join(",", inputs)
            + "': separate words with single commas");
      }
    }
    PublishedRun run = PublishedRun.open(hadoopConfiguration(), model.model);
    Vocabulary vocab = run.vocabulary();
    Tokenizer tokenizer = new Tokenizer(run.tokenizer());
    List<Query> queries = new ArrayList<>();
    for (String w : inputs) {
      int id = WordIds.idOf(vocab, tokenizer, w);
      boolean oov = id == WordIds.OUT_OF_VOCABULARY;
      queries.add(new Query(w, oov ? Vocabulary.UNK_ID : id, oov));
    }
    // Each distinct context's distribution is read, cut to its top k and dropped: a batch holds k answers a
    // context, not V probabilities.
    boolean[] leftOut = leftOut(vocab, includeUnk);
    Map<Integer, List<Prediction>> best = new java.util.concurrent.ConcurrentHashMap<>();
    run.forEachDistribution(queries.stream().map(Query::id).toList(),
        (id, p) -> best.put(id, topK(p, vocab, top, leftOut)));
    if (target.word != null) {
      Query q = queries.get(0);
      List<Prediction> predictions = best.get(q.id());
      if (json) {
        if (q.oov()) main.err.println(oovNote(q));
        main.out.println(Json.compact(predictionRows(predictions)));
      } else {
        print(q, vocab, predictions);
      }
      return ExitCode.SUCCESS.code();
    }
    List<Map<String, Object>> answers = new ArrayList<>();
    for (Query q : queries) {
      List<Prediction> predictions = best.get(q.id());
      if (json || batch) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("word", q.input());
        m.put("context", vocab.word(q.id()));
        m.put("oov", q.oov());
        m.put("predictions", predictionRows(predictions));
        if (batch) main.out.println(Json.compact(m));
        else answers.add(m);
      } else {
        print(q, vocab, predictions);
      }
    }
    if (json && !batch) main.out.println(Json.compact(answers));
    return ExitCode.SUCCESS.code();
  }

  /**
   * Hadoop's configuration without Spark: its defaults, plus the {@code spark.hadoop.*} settings spark-submit
   * passes to the driver (credentials of an object store, say), as Spark itself would apply them.
   */
  static org.apache.hadoop.conf.Configuration hadoopConfiguration() {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith("spark.hadoop.")) conf.set(key.substring("spark.hadoop.".length()), System.getProperty(key));
    }
    return conf;
  }

  /** The words of {@code --words-from}: one a line, trimmed; blank lines are skipped. */
  private List<String> readWords(String from) {
    try {
      java.io.BufferedReader in = from.equals("-")
          ? new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
          : java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(from), java.nio.charset.StandardCharsets.UTF_8);
      try (in) {
        return in.lines().map(String::strip).filter(w -> !w.isEmpty()).toList();
      }
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      throw new dev.bigram.data.InputException("--words-from " + from + " cannot be read (" + e.getMessage()
          + "): pass a text file with one word per line, or - for standard input");
    }
  }

  private void print(Query q, Vocabulary vocab, List<Prediction> predictions) {
    main.out.println(q.oov() ? oovNote(q) : "After '" + vocab.word(q.id()) + "':");
    for (Prediction p : predictions) {
      main.out.println(String.format(Locale.ROOT, "  %-20s %.4f  %s", p.word(), p.probability(),
          p.confidence().label()));
    }
  }

  private static String oovNote(Query q) {
    return "'" + q.input() + "' is out of vocabulary; predictions after " + Vocabulary.UNK + ":";
  }

  private static List<Map<String, Object>> predictionRows(List<Prediction> predictions) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Prediction p : predictions) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("word", p.word());
      m.put("probability", p.probability());
      m.put("confidence", p.confidence().label());
      rows.add(m);
    }
    return rows;
  }

  /**
   * Which ids are never suggested: {@code <unk>}, {@code <s>} and {@code </s>}, unless {@code includeUnk} (their
   * probabilities are not given to the others).
   */
  static boolean[] leftOut(Vocabulary vocab, boolean includeUnk) {
    boolean[] out = new boolean[vocab.size()];
    for (int j = 0; j < out.length && !includeUnk; j++) out[j] = Vocabulary.isSpecial(vocab.word(j));
    return out;
  }

  /** The {@code k} most likely next words, but none of {@code leftOut}. */
  static List<Prediction> topK(double[] p, Vocabulary vocab, int k, boolean[] leftOut) {
    // One pass keeping the k best in order (higher probability first, then lower id), as PatternAnalysis.topIds
    // orders them, without sorting all V: a batch asks this once per word.
    int[] best = new int[Math.min(k, p.length)];
    int n = 0;
    for (int j = 0; j < p.length; j++) {
      if (leftOut[j]) continue;
      if (n == best.length && !(p[j] > p[best[n - 1]])) continue;
      int at = n == best.length ? n - 1 : n++;
      while (at > 0 && p[j] > p[best[at - 1]]) {
        best[at] = best[at - 1];
        at--;
      }
      best[at] = j;
    }
    List<Prediction> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add(new Prediction(vocab.word(best[i]), p[best[i]], Confidence.of(p[best[i]])));
    return out;
  }

  /** One word to answer for: as given, the id answered for, and whether it was out of vocabulary. */
  record Query(String input, int id, boolean oov) {}

  record Prediction(String word, double probability, Confidence confidence) {}
}
