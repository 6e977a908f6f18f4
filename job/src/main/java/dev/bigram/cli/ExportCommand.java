package dev.bigram.cli;

import dev.bigram.config.ReadSettings;
import dev.bigram.data.InputException;
import dev.bigram.data.LocalBigrams;
import dev.bigram.data.RowBlock;
import dev.bigram.data.Tokenizer;
import dev.bigram.output.ArpaExport;
import dev.bigram.output.Json;
import dev.bigram.output.OutputException;
import dev.bigram.output.PublishedRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code export --format arpa}: a published run as an ARPA back-off bigram model ({@link ArpaExport}): exact for
 * the sparse model, the top {@code K} next words of each context for the dense one. With {@code --input}, it
 * also scores held-out text with the model and with the exported file, so the cost of the cut shows. Needs no
 * Spark: {@code submit.sh} starts it as a plain JVM.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Writes a published run as an ARPA back-off bigram model (exact for a sparse model, the top K"
        + " next words per context for a dense one).")
final class ExportCommand implements Callable<Integer> {
  /** Next words per context of a dense model's export. */
  static final int DEFAULT_TOP_PER_CONTEXT = 500;

  @ParentCommand
  Main main;

  @Mixin
  ModelOption model;

  @Option(names = "--format", defaultValue = "arpa", paramLabel = "FORMAT",
      description = "The file format; arpa (the default) is the one there is.")
  String format;

  @Option(names = "--output", required = true, paramLabel = "FILE",
      description = "The file to write (gzip when the name ends in .gz); replaced whole, never half-written.")
  String output;

  @Option(names = "--top-per-context", paramLabel = "K", defaultValue = "" + DEFAULT_TOP_PER_CONTEXT,
      description = "Dense model: how many next words of each context to list (default "
          + DEFAULT_TOP_PER_CONTEXT + "); the rest of a context's mass backs off to the bias distribution.")
  int topPerContext;

  @Option(names = "--input", paramLabel = "FILE",
      description = "Held-out text (one file, read as UTF-8): report the model's perplexity on it and the"
          + " exported file's.")
  String heldOut;

  @Option(names = "--json", description = "Print the report as one line of JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (!format.equals("arpa")) {
      throw new IllegalArgumentException("--format " + format + " is not known: use --format arpa");
    }
    if (topPerContext < 1) throw new IllegalArgumentException("--top-per-context must be >= 1, got " + topPerContext);
    Configuration hadoop = PredictCommand.hadoopConfiguration();
    PublishedRun run = PublishedRun.open(hadoop, model.model);
    RowBlock counts = heldOut == null ? null : count(run, hadoop, heldOut);
    Path target = new Path(output);
    ArpaExport.Report r;
    try {
      r = ArpaExport.write(run, hadoop, target, topPerContext, counts);
    } catch (IOException e) {
      throw new OutputException("writing " + output + " failed (" + e.getMessage() + "); nothing was written:"
          + " check the path and its permissions", e);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("output", output);
    m.put("format", "arpa");
    m.put("exact", r.exact());
    m.put("top_per_context", r.exact() ? null : r.topPerContext());
    m.put("unigrams", r.unigrams());
    m.put("bigrams", r.bigrams());
    if (counts != null) {
      m.put("held_out_bigrams", r.heldOutBigrams());
      m.put("model_perplexity", r.modelPerplexity());
      m.put("export_perplexity", r.exportPerplexity());
    }
    if (json) {
      main.out.println(Json.compact(m));
      return ExitCode.SUCCESS.code();
    }
    main.out.println(String.format(Locale.ROOT, "Wrote %s: ARPA, %d unigrams, %d bigrams (%s)", output,
        r.unigrams(), r.bigrams(), r.exact() ? "exact: every pair of the sparse model"
            : "the top " + r.topPerContext() + " next words of each context"));
    if (counts != null) {
      main.out.println(String.format(Locale.ROOT, "Held-out %s: %d bigrams, perplexity %.4f with the model, %.4f"
          + " with the export (%+.2f%%)", heldOut, r.heldOutBigrams(), r.modelPerplexity(), r.exportPerplexity(),
          100 * (r.exportPerplexity() / r.modelPerplexity() - 1)));
    }
    return ExitCode.SUCCESS.code();
  }

  /** The held-out file's bigrams, read as {@code evaluate} reads one local file ({@link LocalBigrams#read}). */
  private static RowBlock count(PublishedRun run, Configuration hadoop, String file) {
    return LocalBigrams.read(hadoop, file, new Tokenizer(run.tokenizer()), run.vocabulary(), ReadSettings.defaults());
  }
}
