package dev.bigram.analysis;

import dev.bigram.analysis.TopCounts.ContextCount;
import dev.bigram.data.Tokenizer;
import dev.bigram.data.TokenizerSettings;
import dev.bigram.data.TrainingData;
import dev.bigram.data.Vocabulary;
import dev.bigram.model.BigramModel;
import dev.bigram.optim.Convergence;
import dev.bigram.output.PairTraceTable;
import dev.bigram.output.PatternTable;
import dev.bigram.output.RunDirectory;
import dev.bigram.train.EpochListener;
import dev.bigram.train.TrainingResult;
import java.io.IOException;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.knowm.xchart.XYChart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analysis of a run, in the order the train command needs it:
 *
 * <ol>
 *   <li>{@link #prepare} after the data pass: one small job over the cached row blocks finds the most frequent
 *       pairs and context words; the pair tracer is made from them (or from {@code analysis.trace-pairs});</li>
 *   <li>{@link #tracer()} listens to the epoch loop;</li>
 *   <li>{@link #analyze} after training, on the driver: patterns, association matrix, expected patterns;</li>
 *   <li>{@link #write} into the staging run: {@code pair_trace/}, {@code patterns/}, {@code report.md},
 *       {@code learning-curve.png} and {@code .svg}.</li>
 * </ol>
 */
public final class RunAnalysis {
  private static final Logger LOG = LoggerFactory.getLogger(RunAnalysis.class);
  /** At most this many words on each side of the association matrix, as in the exercise's 10 x 10. */
  static final int MATRIX_WORDS = 10;

  private final AnalysisSettings settings;
  private final Tokenizer tokenizer;
  private final Vocabulary vocab;
  private final List<ContextCount> contexts;
  private final PairTracer tracer;

  private RunAnalysis(AnalysisSettings settings, Tokenizer tokenizer, Vocabulary vocab, List<ContextCount> contexts,
      PairTracer tracer) {
    this.settings = settings;
    this.tokenizer = tokenizer;
    this.vocab = vocab;
    this.contexts = contexts;
    this.tracer = tracer;
  }

  public static RunAnalysis prepare(AnalysisSettings settings, TokenizerSettings tokenizerSettings,
      TrainingData data) {
    long t0 = System.nanoTime();
    Tokenizer tokenizer = new Tokenizer(tokenizerSettings);
    int topPairs = settings.tracePairs().isEmpty() ? settings.traceTop() : 0;
    TopCounts counts = FrequentCounts.of(data.blocks(), topPairs, settings.words());
    List<TracedPair> traced = TracedPair.resolve(settings.tracePairs(), counts.pairs(), data.vocab(), tokenizer);
    LOG.info("Analysis: tracing {} ({} context words for the patterns; counts in {} s)",
        traced.stream().map(TracedPair::label).toList(), counts.contexts().size(),
        String.format(java.util.Locale.ROOT, "%.3f", (System.nanoTime() - t0) / 1e9));
    return new RunAnalysis(settings, tokenizer, data.vocab(), counts.contexts(), new PairTracer(traced));
  }

  public EpochListener tracer() {
    return tracer;
  }

  /** Analyses the published (best epoch's) model of {@code result}; driver only. */
  public Findings analyze(TrainingResult result) {
    BigramModel model = result.bestModel();
    List<LearnedPattern> patterns = PatternAnalysis.of(model, vocab, contexts, settings.topK(),
        settings.minProbability());
    List<Integer> matrixIds = contexts.stream().limit(Math.min(MATRIX_WORDS, contexts.size()))
        .map(ContextCount::id).toList();
    AssociationMatrix matrix = AssociationMatrix.of(model, vocab, matrixIds);
    List<ExpectationResult> expectations = ExpectationCheck.check(model, vocab, tokenizer, settings.expectations());
    for (ExpectationResult e : expectations) {
      if (e.passed()) LOG.info("Expected pattern {}", e.describe());
      else LOG.warn("Expected pattern {}", e.describe());
    }
    List<ContextWord> words = contexts.stream()
        .map(c -> new ContextWord(c.id(), vocab.word(c.id()), c.count())).toList();
    return new Findings(tracer.pairs(), tracer.rows(), words, patterns, matrix, expectations,
        settings.failOnExpectations());
  }

  /** Writes the tables, the chart and the report into the staging directory of {@code run}. */
  public void write(SparkSession spark, RunDirectory run, TrainingResult result, double floor,
      Convergence convergence, Findings findings) throws IOException {
    long t0 = System.nanoTime();
    PairTraceTable.write(spark, findings.trace(), run.staging());
    PatternTable.write(spark, findings.patterns(), run.staging());
    byte[] png;
    byte[] svg;
    try {
      XYChart chart = LearningCurveChart.build(run.runId(), result.history(), floor, result.bestEpoch(),
          result.stopReason());
      png = LearningCurveChart.png(chart);
      svg = LearningCurveChart.svg(chart);
    } catch (RuntimeException | LinkageError | java.awt.AWTError e) {
      // A picture is not worth failing a nightly run for: the tables and the report are still written.
      LOG.warn("Analysis: the learning-curve chart could not be drawn ({}); the run goes on without it. Java needs"
          + " fontconfig and one font to draw text headless (Debian: fontconfig fonts-dejavu-core).", e.toString());
      png = null;
      svg = null;
    }
    if (png != null) {
      run.writeBytes(LearningCurveChart.PNG_NAME, png);
      run.writeBytes(LearningCurveChart.SVG_NAME, svg);
    }
    run.writeText(AnalysisReport.NAME, AnalysisReport.markdown(run.runId(), result, floor, convergence, findings,
        settings));
    LOG.info("Analysis: {} trace rows, {} patterns, chart and report written in {} s", findings.trace().size(),
        findings.patterns().size(), String.format(java.util.Locale.ROOT, "%.3f", (System.nanoTime() - t0) / 1e9));
  }
}
