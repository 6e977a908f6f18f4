package dev.bigram.data;

import dev.bigram.config.ReadSettings;
import dev.bigram.config.TokenizerSettings;
import dev.bigram.data.Vocabulary.WordCount;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The one pass over the corpus that everything else is computed from.
 *
 * <ol>
 *   <li>Read once: each input partition is repaired, tokenized into ids of a word table of its own, and each line
 *       is assigned to training or validation by a hash of its text ({@link TokenizedPartition}, cached).</li>
 *   <li>Count words: the partitions' tables are summed in one shuffle; one action keeps the top
 *       {@code vocab.size} by (count desc, word).</li>
 *   <li>Count bigrams: each partition translates its ids to vocabulary ids and counts {@code (prev, next,
 *       split)} keys in a primitive map, split by the row block of {@code prev} into one {@link BlockCounts}
 *       per block; one shuffle brings each block its arrays. The corpus counters ride along with block 0.</li>
 *   <li>Each partition turns its sorted counts into one {@link RowBlock}: the compressed rows it owns, for
 *       training and validation. The blocks are cached once, and are all that training reads.</li>
 * </ol>
 */
public final class DataPass {
  private static final Logger LOG = LoggerFactory.getLogger(DataPass.class);

  private DataPass() {}

  /** Reads, tokenizes, builds the vocabulary and the cached row blocks, with the default {@link ReadSettings}. */
  public static TrainingData run(JavaSparkContext jsc, List<String> inputPaths, TokenizerSettings tokenizerSettings,
      int vocabSize, long minCount, double validationFraction, int numBlocks) {
    return run(jsc, inputPaths, tokenizerSettings, vocabSize, minCount, validationFraction, numBlocks,
        ReadSettings.defaults());
  }

  /** Reads, tokenizes, builds the vocabulary and the cached row blocks. */
  public static TrainingData run(JavaSparkContext jsc, List<String> inputPaths, TokenizerSettings tokenizerSettings,
      int vocabSize, long minCount, double validationFraction, int numBlocks, ReadSettings readSettings) {
    long start = System.nanoTime();
    Tokenizer tokenizer = new Tokenizer(tokenizerSettings);
    Corpus corpus = CorpusReader.open(jsc, inputPaths, readSettings);
    long threshold = splitThreshold(validationFraction);
    CollectionAccumulator<ReadIssue> issues = corpus.issues().accumulator();
    // The text is read and tokenized once; both steps below walk the cached ids.
    JavaRDD<TokenizedPartition> tokenized = corpus.records()
        .mapPartitions((Iterator<CorpusRecord> it) -> List.of(TokenizedPartition.of(it, tokenizer, threshold,
            issues)).iterator())
        .persist(StorageLevel.MEMORY_AND_DISK());
    tokenized.setName("tokenized corpus");
    try {
      JavaPairRDD<String, Long> localCounts = tokenized.flatMapToPair(p -> {
        List<Tuple2<String, Long>> out = new ArrayList<>(p.words.length);
        for (int i = 0; i < p.words.length; i++) out.add(new Tuple2<>(p.words[i], p.counts[i]));
        return out.iterator();
      });
      Vocabulary vocab = buildVocabulary(localCounts, tokenizer, vocabSize, minCount);
      corpus.issues().check();
      LOG.info("Corpus read, tokenized and its words counted in {} s",
          String.format("%.2f", (System.nanoTime() - start) / 1e9));
      TrainingData data = countBigrams(jsc, vocab, numBlocks, tokenizer, corpus.issues(),
          (bcVocab, blocks) -> tokenized.mapPartitions(p -> countTokenized(p.next(), bcVocab.value(), blocks)));
      double seconds = (System.nanoTime() - start) / 1e9;
      return data.withSeconds(seconds);
    } finally {
      tokenized.unpersist(false);
    }
  }

  /**
   * Counts bigrams of {@code lines} with a fixed vocabulary; blocks are cached and materialized. Lines given
   * this way carry no read reports: prefer {@link #countBigrams(JavaSparkContext, Corpus, Tokenizer, Vocabulary,
   * double, int)}.
   */
  public static TrainingData countBigrams(JavaSparkContext jsc, JavaRDD<String> lines, Tokenizer tokenizer,
      Vocabulary vocab, double validationFraction, int numBlocks) {
    return countBigrams(jsc, Corpus.ofLines(jsc, lines), tokenizer, vocab, validationFraction, numBlocks);
  }

  /**
   * Counts bigrams of a corpus with a fixed vocabulary (for {@code evaluate}, and the second half of
   * {@link #run}); blocks are cached and materialized. The read reports of the corpus are summed into the
   * corpus statistics, and its unusable files are refused or skipped ({@link ReadIssues}).
   */
  public static TrainingData countBigrams(JavaSparkContext jsc, Corpus corpus, Tokenizer tokenizer,
      Vocabulary vocab, double validationFraction, int numBlocks) {
    long threshold = splitThreshold(validationFraction);
    CollectionAccumulator<ReadIssue> issues = corpus.issues().accumulator();
    return countBigrams(jsc, vocab, numBlocks, tokenizer, corpus.issues(), (bcVocab, blocks) -> corpus.records()
        .mapPartitions((Iterator<CorpusRecord> it) -> countRecords(it, tokenizer, bcVocab.value(), blocks,
            threshold, issues)));
  }

  /**
   * Sums the per-task counts of {@code partials}, one {@link BlockCounts} per (task, row block), in one shuffle
   * by row block, and caches and materializes the blocks.
   */
  private static TrainingData countBigrams(JavaSparkContext jsc, Vocabulary vocab, int numBlocks,
      Tokenizer tokenizer, ReadIssues readIssues,
      BiFunction<Broadcast<Vocabulary>, RowBlocks, JavaRDD<Tuple2<Integer, BlockCounts>>> partials) {
    long start = System.nanoTime();
    int v = vocab.size();
    RowBlocks partitioner = new RowBlocks(v, numBlocks);
    Broadcast<Vocabulary> bcVocab = jsc.broadcast(vocab);
    // Keys are block indices in [0, numBlocks): the hash partitioner sends block b to partition b.
    JavaRDD<RowBlock> blocks = partials.apply(bcVocab, partitioner)
        .mapToPair(kv -> kv)
        .partitionBy(new HashPartitioner(numBlocks))
        .mapPartitionsWithIndex((index, it) -> {
          LongCountMap pairs = new LongCountMap(1 << 12);
          long[] stats = CorpusStats.empty();
          while (it.hasNext()) it.next()._2().addTo(pairs, stats);
          return List.of(RowBlockBuilder.toBlock(index, pairs, stats, partitioner)).iterator();
        }, true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    blocks.setName("bigram row blocks (V=" + v + ", " + numBlocks + " blocks)");
    BlockSummary summary;
    try {
      summary = blocks.map(BlockSummary::of).reduce(BlockSummary::merge);
      readIssues.check();
    } catch (RuntimeException e) {
      blocks.unpersist(false);
      bcVocab.destroy();
      throw e;
    }
    // The executors' copies go, the driver's stays: the blocks' lineage reads the vocabulary, and a lost executor's
    // blocks are recomputed from it (destroyed, the recomputation would fail the job).
    bcVocab.unpersist(false);
    long[] stats = summary.stats;
    long[] vocabCounts = new long[v];
    for (int i = 0; i < v; i++) vocabCounts[i] = vocab.count(i);
    vocabCounts[Vocabulary.UNK_ID] = stats[CorpusStats.OOV_TOKENS.ordinal()];
    if (vocab.sentenceMarkers()) {
      long sentences = stats[CorpusStats.TRAIN_LINES.ordinal()] + stats[CorpusStats.VALIDATION_LINES.ordinal()];
      vocabCounts[vocab.bosId()] = sentences;
      vocabCounts[vocab.eosId()] = sentences;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    TrainingData data = new TrainingData(vocab.withCounts(vocabCounts), blocks, partitioner, stats,
        summary.distinctTrain, summary.distinctValidation, summary.sumLogConditional, seconds);
    LOG.info("Corpus: {} lines, {} tokens, OOV rate {}, V = {}, {} training bigrams ({} distinct), {} validation"
        + " bigrams ({} distinct), loss floor {} nats; bigrams counted in {} s",
        stats[CorpusStats.LINES.ordinal()], stats[CorpusStats.TOKENS.ordinal()],
        String.format("%.4f", data.oovRate()), v, data.trainBigrams(), data.distinctTrainBigrams(),
        data.validationBigrams(), data.distinctValidationBigrams(), String.format("%.6f", data.trainLossFloor()),
        String.format("%.2f", seconds));
    DamageReport.log(stats, tokenizer.settings().maxTokenLength(), readIssues.damagedFiles());
    return data;
  }

  // ---- pass 1: the vocabulary --------------------------------------------------------------------------

  /** The top {@code vocabSize} words by (count desc, word), from per-partition counts summed in one shuffle. */
  static Vocabulary buildVocabulary(JavaPairRDD<String, Long> localCounts, Tokenizer tokenizer, int vocabSize,
      long minCount) {
    int specials = tokenizer.settings().sentenceMarkers() ? 3 : 1;
    int keep = Math.max(0, vocabSize - specials);
    JavaPairRDD<String, Long> wordCounts = localCounts.reduceByKey(Long::sum);
    List<WordCount> top = wordCounts
        .mapPartitions((Iterator<Tuple2<String, Long>> it) -> {
          PriorityQueue<WordCount> heap = new PriorityQueue<>(Vocabulary.ORDER.reversed());
          while (it.hasNext()) {
            Tuple2<String, Long> wc = it.next();
            if (wc._2() < minCount || Vocabulary.isSpecial(wc._1())) continue;
            heap.add(new WordCount(wc._1(), wc._2()));
            if (heap.size() > keep) heap.poll();
          }
          return new ArrayList<>(heap).iterator();
        })
        .collect();
    Vocabulary vocab = Vocabulary.build(top, vocabSize, minCount, tokenizer.settings().sentenceMarkers(), 0, 0);
    if (vocab.size() < vocabSize && !top.isEmpty()) {
      LOG.warn("vocab.size = {} but only {} words occur at least vocab.min-count = {} times: V = {} (a smaller"
          + " model, not an error; lower vocab.size to silence this)", vocabSize, vocab.size() - specials,
          minCount, vocab.size());
    }
    return vocab;
  }

  // ---- pass 2: the bigram counts -------------------------------------------------------------------------

  /** Lines whose mixed hash is below this go to validation. */
  static long splitThreshold(double fraction) {
    return (long) Math.floor(fraction * 4294967296.0);
  }

  /** A stable hash of a line in {@code [0, 2^32)}: String.hashCode is fixed by the Java spec, then mixed. */
  static long lineHash(String line) {
    long z = line.hashCode() * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
    z ^= z >>> 29;
    return z & 0xFFFFFFFFL;
  }

  /** Counts the bigrams of records read from text: each line is tokenized and looked up in the vocabulary. */
  private static Iterator<Tuple2<Integer, BlockCounts>> countRecords(Iterator<CorpusRecord> it,
      Tokenizer tokenizer, Vocabulary vocab, RowBlocks blocks, long validationThreshold,
      CollectionAccumulator<ReadIssue> issues) {
    PairCounter counter = new PairCounter(vocab);
    countRecords(it, tokenizer, vocab, validationThreshold, counter, report -> ReadIssues.add(issues, report));
    return counter.byBlock(blocks);
  }

  /**
   * Feeds records read from text to {@code counter}: each line is tokenized and looked up in the vocabulary,
   * and goes to validation when its hash is below the threshold; each read report's counters are added and the
   * report handed to {@code reports}. The Spark pass and {@link LocalBigrams#read} both count this way.
   */
  static void countRecords(Iterator<CorpusRecord> it, Tokenizer tokenizer, Vocabulary vocab,
      long validationThreshold, PairCounter counter, Consumer<CorpusRecord.ReadReport> reports) {
    while (it.hasNext()) {
      CorpusRecord record = it.next();
      if (!record.isLine()) {
        counter.addStats(record.report().stats());
        reports.accept(record.report());
        continue;
      }
      String line = record.line();
      counter.stats[CorpusStats.LINES.ordinal()]++;
      counter.startLine();
      counter.stats[CorpusStats.LONG_TOKENS.ordinal()] +=
          tokenizer.forEachToken(line, w -> counter.token(vocab.id(w)));
      counter.endLine(lineHash(line) < validationThreshold);
    }
  }

  /** Counts the bigrams of a tokenized partition: its local ids are translated to vocabulary ids once each. */
  private static Iterator<Tuple2<Integer, BlockCounts>> countTokenized(TokenizedPartition p, Vocabulary vocab,
      RowBlocks blocks) {
    int[] toVocab = new int[p.words.length];
    for (int i = 0; i < toVocab.length; i++) toVocab[i] = vocab.id(p.words[i]);
    PairCounter counter = new PairCounter(vocab);
    counter.addStats(p.stats);
    counter.startLine();
    p.forEach(id -> {
      if (id >= 0) {
        counter.token(toVocab[id]);
      } else {
        counter.endLine(id == TokenizedPartition.END_VALIDATION);
        counter.startLine();
      }
    });
    return counter.byBlock(blocks);
  }

  /** What the driver learns from the cached blocks in one small job. */
  private record BlockSummary(long[] stats, long distinctTrain, long distinctValidation, double sumLogConditional)
      implements java.io.Serializable {
    static BlockSummary of(RowBlock b) {
      return new BlockSummary(b.stats().clone(), b.train().numPairs(), b.validation().numPairs(),
          b.train().sumLogConditional());
    }

    BlockSummary merge(BlockSummary o) {
      long[] s = stats.clone();
      for (int i = 0; i < s.length; i++) s[i] += o.stats[i];
      return new BlockSummary(s, distinctTrain + o.distinctTrain, distinctValidation + o.distinctValidation,
          sumLogConditional + o.sumLogConditional);
    }
  }
}
