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
 * {@code predict}: the most likely next words after one word ({@code --word}) or several ({@code --words a,b,c}),
 * with probabilities and the classroom exercise's confidence label (docs/design.md) (high > 0.3, medium > 0.15, else low). A word outside
 * the vocabulary is answered for {@code <unk>}, and says so.
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

  /** Exactly one of --word and --words. */
  static final class Target {
    @Option(names = "--word", required = true, paramLabel = "WORD", description = "The previous word.")
    String word;

    @Option(names = "--words", required = true, split = ",", paramLabel = "WORD",
        description = "Several previous words, comma-separated: --words the,cat,dog.")
    List<String> words;
  }

  @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "How many next words (default 5).")
  int top;

  @Option(names = "--json", description = "Print one line of JSON (with --word: [{\"word\": ..., \"probability\":"
      + " ..., \"confidence\": ...}, ...]; with --words: [{\"word\", \"context\", \"oov\", \"predictions\"}, ...]).")
  boolean json;

  @Override
  public Integer call() {
    if (top < 1) throw new IllegalArgumentException("--top must be >= 1, got " + top);
    List<String> inputs = target.word != null ? List.of(target.word) : target.words;
    for (String w : inputs) {
      if (w.isBlank()) {
        throw new IllegalArgumentException("--words has an empty word in '" + String.join(",", inputs)
            + "': separate words with single commas");
      }
    }
    PublishedRun run = PublishedRun.open(main.spark(), model.model);
    Vocabulary vocab = run.vocabulary();
    Tokenizer tokenizer = new Tokenizer(run.tokenizer());
    List<Query> queries = new ArrayList<>();
    for (String w : inputs) {
      int id = WordIds.idOf(vocab, tokenizer, w);
      boolean oov = id == WordIds.OUT_OF_VOCABULARY;
      queries.add(new Query(w, oov ? Vocabulary.UNK_ID : id, oov));
    }
    Map<Integer, double[]> probabilities = run.probabilities(queries.stream().map(Query::id).toList());
    if (target.word != null) {
      Query q = queries.get(0);
      List<Prediction> predictions = topK(probabilities.get(q.id()), vocab, top);
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
      List<Prediction> predictions = topK(probabilities.get(q.id()), vocab, top);
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("word", q.input());
        m.put("context", vocab.word(q.id()));
        m.put("oov", q.oov());
        m.put("predictions", predictionRows(predictions));
        answers.add(m);
      } else {
        print(q, vocab, predictions);
      }
    }
    if (json) main.out.println(Json.compact(answers));
    return ExitCode.SUCCESS.code();
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

  static List<Prediction> topK(double[] p, Vocabulary vocab, int k) {
    return PatternAnalysis.topIds(p, k).stream()
        .map(j -> new Prediction(vocab.word(j), p[j], Confidence.of(p[j])))
        .toList();
  }

  /** One word to answer for: as given, the id answered for, and whether it was out of vocabulary. */
  record Query(String input, int id, boolean oov) {}

  record Prediction(String word, double probability, Confidence confidence) {}
}
