package dev.bigram.data;

import dev.bigram.data.Vocabulary.WordCount;
import dev.bigram.optim.CountRows;
import dev.bigram.optim.RowBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
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
 *   <li>Count words: each partition counts its tokens in a local map; one shuffle sums them; one action keeps
 *       the top {@code vocab.size} by (count desc, word).</li>
 *   <li>Count bigrams: each line is assigned to training or validation by a hash of its text; its tokens become
 *       ids; each partition counts {@code (prev, next, split)} keys in a primitive map; one shuffle, partitioned
 *       by the row block of {@code prev}, sums them. Corpus counters ride along as negative keys.</li>
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
    Vocabulary vocab = buildVocabulary(corpus, tokenizer, vocabSize, minCount);
    TrainingData data = countBigrams(jsc, corpus, tokenizer, vocab, validationFraction, numBlocks);
    double seconds = (System.nanoTime() - start) / 1e9;
    return data.withSeconds(seconds);
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
    long start = System.nanoTime();
    int v = vocab.size();
    RowBlocks partitioner = new RowBlocks(v, numBlocks);
    Broadcast<Vocabulary> bcVocab = jsc.broadcast(vocab);
    long threshold = splitThreshold(validationFraction);
    CollectionAccumulator<ReadIssue> issues = corpus.issues().accumulator();
    JavaPairRDD<Long, Long> counts = corpus.records()
        .mapPartitions((Iterator<CorpusRecord> it) -> countPartition(it, tokenizer, bcVocab.value(), threshold,
            issues))
        .mapToPair(kv -> kv)
        .reduceByKey(partitioner, Long::sum);
    JavaRDD<RowBlock> blocks = counts
        .mapPartitionsWithIndex((index, it) -> List.of(toBlock(index, it, partitioner)).iterator(), true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    blocks.setName("bigram row blocks (V=" + v + ", " + numBlocks + " blocks)");
    BlockSummary summary;
    try {
      summary = blocks.map(BlockSummary::of).reduce(BlockSummary::merge);
      corpus.issues().check();
    } catch (RuntimeException e) {
      blocks.unpersist(false);
      throw e;
    } finally {
      bcVocab.destroy();
    }
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
        + " bigrams ({} distinct), loss floor {} nats",
        stats[CorpusStats.LINES.ordinal()], stats[CorpusStats.TOKENS.ordinal()],
        String.format("%.4f", data.oovRate()), v, data.trainBigrams(), data.distinctTrainBigrams(),
        data.validationBigrams(), data.distinctValidationBigrams(), String.format("%.6f", data.trainLossFloor()));
    DamageReport.log(stats, tokenizer.settings().maxTokenLength());
    return data;
  }

  // ---- pass 1: the vocabulary --------------------------------------------------------------------------

  static Vocabulary buildVocabulary(Corpus corpus, Tokenizer tokenizer, int vocabSize, long minCount) {
    int specials = tokenizer.settings().sentenceMarkers() ? 3 : 1;
    int keep = Math.max(0, vocabSize - specials);
    CollectionAccumulator<ReadIssue> issues = corpus.issues().accumulator();
    JavaPairRDD<String, Long> wordCounts = corpus.records()
        .mapPartitions((Iterator<CorpusRecord> it) -> {
          Map<String, long[]> local = new HashMap<>();
          while (it.hasNext()) {
            CorpusRecord r = it.next();
            if (r.isLine()) {
              tokenizer.forEachToken(r.line(), w -> local.computeIfAbsent(w, k -> new long[1])[0]++);
            } else {
              ReadIssues.add(issues, r.report());
            }
          }
          List<Tuple2<String, Long>> out = new ArrayList<>(local.size());
          local.forEach((w, c) -> out.add(new Tuple2<>(w, c[0])));
          return out.iterator();
        })
        .mapToPair(kv -> kv)
        .reduceByKey(Long::sum);
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
    corpus.issues().check();
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

  private static Iterator<Tuple2<Long, Long>> countPartition(Iterator<CorpusRecord> it, Tokenizer tokenizer,
      Vocabulary vocab, long validationThreshold, CollectionAccumulator<ReadIssue> issues) {
    int v = vocab.size();
    LongCountMap counts = new LongCountMap(1 << 16);
    long[] stats = CorpusStats.empty();
    int[] ids = new int[64];
    int[] n = new int[1];
    while (it.hasNext()) {
      CorpusRecord record = it.next();
      if (!record.isLine()) {
        long[] read = record.report().stats();
        for (int s = 0; s < read.length; s++) stats[s] += read[s];
        ReadIssues.add(issues, record.report());
        continue;
      }
      String line = record.line();
      stats[CorpusStats.LINES.ordinal()]++;
      n[0] = 0;
      if (vocab.sentenceMarkers()) ids[n[0]++] = vocab.bosId();
      int[][] holder = {ids};
      stats[CorpusStats.LONG_TOKENS.ordinal()] += tokenizer.forEachToken(line, w -> {
        int id = vocab.id(w);
        stats[CorpusStats.TOKENS.ordinal()]++;
        if (id == Vocabulary.UNK_ID) stats[CorpusStats.OOV_TOKENS.ordinal()]++;
        if (n[0] == holder[0].length) holder[0] = Arrays.copyOf(holder[0], n[0] * 2);
        holder[0][n[0]++] = id;
      });
      ids = holder[0];
      int words = vocab.sentenceMarkers() ? n[0] - 1 : n[0];
      if (words == 0) continue;
      if (vocab.sentenceMarkers()) {
        if (n[0] == ids.length) ids = Arrays.copyOf(ids, n[0] * 2);
        ids[n[0]++] = vocab.eosId();
      }
      boolean validation = lineHash(line) < validationThreshold;
      stats[(validation ? CorpusStats.VALIDATION_LINES : CorpusStats.TRAIN_LINES).ordinal()]++;
      stats[(validation ? CorpusStats.VALIDATION_BIGRAMS : CorpusStats.TRAIN_BIGRAMS).ordinal()] += n[0] - 1;
      for (int k = 1; k < n[0]; k++) {
        counts.add(RowBlocks.key(ids[k - 1], ids[k], validation, v), 1L);
      }
    }
    List<Tuple2<Long, Long>> out = new ArrayList<>(counts.size() + stats.length);
    counts.forEach((key, value) -> out.add(new Tuple2<>(key, value)));
    for (CorpusStats s : CorpusStats.values()) {
      if (stats[s.ordinal()] != 0) out.add(new Tuple2<>(s.key(), stats[s.ordinal()]));
    }
    return out.iterator();
  }

  /** Builds block {@code index} from its {@code (key, count)} pairs, in any order, keys as in {@link RowBlocks}. */
  public static RowBlock toBlock(int index, Iterator<Tuple2<Long, Long>> it, RowBlocks partitioner) {
    int v = partitioner.numClasses();
    long[] stats = CorpusStats.empty();
    LongCountMap pairs = new LongCountMap(1 << 12);
    while (it.hasNext()) {
      Tuple2<Long, Long> kv = it.next();
      long key = kv._1();
      if (key < 0) {
        stats[CorpusStats.ofKey(key).ordinal()] += kv._2();
      } else {
        pairs.add(key, kv._2());
      }
    }
    long[] keys = new long[pairs.size()];
    int[] fill = {0};
    pairs.forEach((key, value) -> keys[fill[0]++] = key);
    Arrays.sort(keys);
    CsrBuilder train = new CsrBuilder(keys.length);
    CsrBuilder validation = new CsrBuilder(keys.length);
    for (long key : keys) {
      CsrBuilder b = RowBlocks.isValidation(key) ? validation : train;
      b.add(RowBlocks.prevOf(key, v), RowBlocks.nextOf(key, v), pairs.get(key));
    }
    return new RowBlock(index, partitioner.firstRow(index), partitioner.endRow(index), train.build(),
        validation.build(), stats);
  }

  /** Builds a {@link CountRows} from {@code (row, next, count)} triples added in sorted order. */
  private static final class CsrBuilder {
    private final int[] next;
    private final long[] count;
    private int size;
    private final List<Integer> rows = new ArrayList<>();
    private final List<Integer> starts = new ArrayList<>();

    CsrBuilder(int capacity) {
      next = new int[capacity];
      count = new long[capacity];
    }

    void add(int row, int nextId, long c) {
      if (rows.isEmpty() || rows.get(rows.size() - 1) != row) {
        rows.add(row);
        starts.add(size);
      }
      next[size] = nextId;
      count[size] = c;
      size++;
    }

    CountRows build() {
      int[] r = rows.stream().mapToInt(Integer::intValue).toArray();
      int[] s = new int[r.length + 1];
      for (int i = 0; i < r.length; i++) s[i] = starts.get(i);
      s[r.length] = size;
      return new CountRows(r, s, Arrays.copyOf(next, size), Arrays.copyOf(count, size));
    }
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
