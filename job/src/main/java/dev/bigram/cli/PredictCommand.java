package dev.bigram.cli;

import dev.bigram.data.Tokenizer;
import dev.bigram.data.Vocabulary;
import dev.bigram.output.Json;
import dev.bigram.output.PublishedRun;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code predict}: the most likely next words after a word. */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Top-k next words after a word.")
final class PredictCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Option(names = "--model", required = true, paramLabel = "RUN_DIR",
      description = "A published run directory, or an output directory (its LATEST run is used).")
  String model;

  @Option(names = "--word", required = true, paramLabel = "WORD", description = "The previous word.")
  String word;

  @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "How many next words (default 5).")
  int top;

  @Option(names = "--json", description = "Print one line of JSON: [{\"word\": ..., \"probability\": ...}, ...].")
  boolean json;

  @Override
  public Integer call() {
    if (top < 1) throw new IllegalArgumentException("--top must be >= 1, got " + top);
    PublishedRun run = PublishedRun.open(main.spark(), model);
    Vocabulary vocab = run.vocabulary();
    String key = normalize(run, word);
    int id = vocab.id(key);
    boolean known = vocab.contains(key);
    List<Prediction> predictions = topK(run.probabilities(id), vocab, top);
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Prediction p : predictions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("word", p.word());
        m.put("probability", p.probability());
        rows.add(m);
      }
      main.out.println(Json.compact(rows));
    } else {
      main.out.println(known ? "After '" + key + "':"
          : "'" + word + "' is out of vocabulary; predictions after " + Vocabulary.UNK + ":");
      for (Prediction p : predictions) {
        main.out.println(String.format(Locale.ROOT, "  %-20s %.4f", p.word(), p.probability()));
      }
    }
    return ExitCode.SUCCESS.code();
  }

  /** The word as the tokenizer would have produced it (lowercased by default). */
  static String normalize(PublishedRun run, String word) {
    List<String> tokens = new Tokenizer(run.tokenizer()).tokens(word);
    return tokens.size() == 1 ? tokens.get(0) : word;
  }

  static List<Prediction> topK(double[] p, Vocabulary vocab, int k) {
    return IntStream.range(0, p.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(j -> -p[j]).thenComparing(j -> j))
        .limit(k)
        .map(j -> new Prediction(vocab.word(j), p[j]))
        .toList();
  }

  record Prediction(String word, double probability) {}
}
