package dev.bigram.cli;

import dev.bigram.config.ReadSettings;
import dev.bigram.config.Redaction;
import dev.bigram.data.CorpusCheck;
import dev.bigram.data.CorpusReader;
import dev.bigram.data.CorpusStats;
import dev.bigram.data.DataPass;
import dev.bigram.data.RowBlock;
import dev.bigram.data.Tokenizer;
import dev.bigram.data.TrainingData;
import dev.bigram.data.Vocabulary;
import dev.bigram.loss.BigramLossAggregator;
import dev.bigram.model.BigramModel;
import dev.bigram.output.Json;
import dev.bigram.output.PublishedRun;
import dev.bigram.train.DistributedLoss;
import dev.bigram.train.WeightShipping;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code evaluate}: cross-entropy and perplexity of a published model on a corpus. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Cross-entropy (nats), perplexity, bigram count and OOV rate of a model on a corpus.")
final class EvaluateCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateCommand.class);

  @ParentCommand
  Main main;

  @Mixin
  ModelOption model;

  @Option(names = "--input", required = true, arity = "1..*", paramLabel = "PATH", description = "Corpus paths or globs.")
  List<String> inputs;

  @Option(names = "--json", description = "Print one line of JSON.")
  boolean json;

  @Option(names = "--baseline", paramLabel = "NAME", split = ",",
      description = "Also score a count-based baseline built from the run's training counts (counts/) with the"
          + " smoothing chosen on its validation split: kn (interpolated Kneser-Ney), mkn (modified Kneser-Ney,"
          + " three discounts estimated from the training counts) or add-k. Repeatable.")
  List<String> baselines = new java.util.ArrayList<>();

  @Override
  public Integer call() {
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
      double knownCrossEntropy = inVocabulary.loss();
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("cross_entropy", crossEntropy);
      result.put("perplexity", Math.exp(crossEntropy));
      result.put("bigrams", data.trainBigrams());
      result.put("oov_rate", data.oovRate());
      result.put("in_vocabulary_bigrams", inVocabulary.count());
      result.put("in_vocabulary_cross_entropy", knownCrossEntropy);
      result.put("in_vocabulary_perplexity", Math.exp(knownCrossEntropy));
      if (data.oovRate() > 0.5) {
        LOG.warn("{}% of the tokens are outside the model's vocabulary: the perplexity mostly measures how well"
            + " <unk> is predicted; over the {} bigrams of known words it is {}. Is this text in the language the"
            + " model was trained on?", String.format(Locale.ROOT, "%.0f", 100 * data.oovRate()),
            inVocabulary.count(), String.format(Locale.ROOT, "%.2f", Math.exp(knownCrossEntropy)));
      }
      result.put("tokens", data.stat(CorpusStats.TOKENS));
      result.put("model", Redaction.redactText(String.valueOf(run.dir())));
      Map<String, Object> scored = BaselineScores.score(spark, run, data, baselines);
      if (!scored.isEmpty()) result.put("baselines", scored);
      if (json) {
        main.out.println(Json.compact(result));
      } else {
        main.out.println(String.format(Locale.ROOT,
            "Evaluated %s on %d bigrams: cross-entropy %.4f nats, perplexity %.2f, OOV rate %.4f; on the %d"
                + " bigrams of known words, perplexity %.2f.",
            Redaction.redactText(String.valueOf(run.dir())), data.trainBigrams(), crossEntropy, Math.exp(crossEntropy),
            data.oovRate(), inVocabulary.count(), Math.exp(knownCrossEntropy)));
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
    } finally {
      data.release();
    }
  }
}
