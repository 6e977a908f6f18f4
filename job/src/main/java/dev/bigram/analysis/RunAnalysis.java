package dev.bigram.analysis;

import dev.bigram.analysis.TopCounts.ContextCount;
import dev.bigram.config.AnalysisSettings;
import dev.bigram.config.TokenizerSettings;
import dev.bigram.data.Tokenizer;
import dev.bigram.data.TrainingData;
import dev.bigram.data.Vocabulary;
import dev.bigram.model.BigramModel;
import dev.bigram.train.EpochListener;
import dev.bigram.train.TrainingResult;
import java.util.List;
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
 *   <li>then {@code dev.bigram.output.AnalysisFiles} writes the findings into the staging run.</li>
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

  public AnalysisSettings settings() {
    return settings;
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

}
