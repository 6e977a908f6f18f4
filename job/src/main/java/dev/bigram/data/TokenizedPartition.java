package dev.bigram.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.util.CollectionAccumulator;

/**
 * One input partition, read and tokenized once: its words in a table of its own, and its lines as ids into that
 * table. The data pass caches these between its two steps, so the text is read, repaired and tokenized once:
 * the vocabulary is the sum of the tables, and the bigrams are counted by walking the ids through a
 * translation to vocabulary ids. An id costs four bytes against about six of text.
 *
 * <p>The stream holds, for each line with at least one token, its local ids followed by a terminator:
 * {@link #END_TRAIN} or {@link #END_VALIDATION}, chosen by the hash of the line's text ({@link
 * DataPass#lineHash}). The stream is kept in chunks, so a partition of any size never needs one huge array.
 */
final class TokenizedPartition implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int END_TRAIN = -1;
  static final int END_VALIDATION = -2;
  private static final int CHUNK = 1 << 18;

  /** Local id to word, and its occurrences in this partition. */
  final String[] words;
  final long[] counts;
  /** The line stream, in chunks of {@link #CHUNK} ints; the last one is cut to what it holds. */
  private final int[][] chunks;
  /**
   * Counters indexed by {@link CorpusStats#ordinal()}: lines, long tokens and the damage found while reading.
   * Tokens, OOV tokens and the split's counters depend on the vocabulary and are counted when the stream is
   * walked.
   */
  final long[] stats;

  private TokenizedPartition(String[] words, long[] counts, int[][] chunks, long[] stats) {
    this.words = words;
    this.counts = counts;
    this.chunks = chunks;
    this.stats = stats;
  }

  /** Reads {@code records}: lines are tokenized into the stream, reports summed and their issues added. */
  static TokenizedPartition of(Iterator<CorpusRecord> records, Tokenizer tokenizer, long validationThreshold,
      CollectionAccumulator<ReadIssue> issues) {
    Map<String, Integer> ids = new HashMap<>(1 << 14);
    String[][] words = {new String[1 << 12]};
    long[][] counts = {new long[1 << 12]};
    long[] stats = CorpusStats.empty();
    Stream stream = new Stream();
    while (records.hasNext()) {
      CorpusRecord record = records.next();
      if (!record.isLine()) {
        long[] read = record.report().stats();
        for (int s = 0; s < read.length; s++) stats[s] += read[s];
        ReadIssues.add(issues, record.report());
        continue;
      }
      String line = record.line();
      stats[CorpusStats.LINES.ordinal()]++;
      long before = stream.size;
      stats[CorpusStats.LONG_TOKENS.ordinal()] += tokenizer.forEachToken(line, w -> {
        Integer id = ids.get(w);
        if (id == null) {
          id = ids.size();
          ids.put(w, id);
          if (id == words[0].length) {
            words[0] = Arrays.copyOf(words[0], id * 2);
            counts[0] = Arrays.copyOf(counts[0], id * 2);
          }
          words[0][id] = w;
        }
        counts[0][id]++;
        stream.add(id);
      });
      if (stream.size > before) {
        stream.add(DataPass.lineHash(line) < validationThreshold ? END_VALIDATION : END_TRAIN);
      }
    }
    int n = ids.size();
    return new TokenizedPartition(Arrays.copyOf(words[0], n), Arrays.copyOf(counts[0], n), stream.chunks(),
        stats);
  }

  /** Visits the stream in order: local ids and terminators. */
  void forEach(IntVisitor visitor) {
    for (int[] chunk : chunks) {
      for (int value : chunk) visitor.accept(value);
    }
  }

  @FunctionalInterface
  interface IntVisitor {
    void accept(int value);
  }

  /** A growing sequence of ints in fixed-size chunks. */
  private static final class Stream {
    private int[][] chunks = new int[0][];
    private int[] current;
    private long size;

    void add(int value) {
      int at = (int) (size % CHUNK);
      if (at == 0) {
        chunks = Arrays.copyOf(chunks, chunks.length + 1);
        current = new int[CHUNK];
        chunks[chunks.length - 1] = current;
      }
      current[at] = value;
      size++;
    }

    int[][] chunks() {
      // The last chunk is cut to what it holds, so a small partition costs little memory.
      if (chunks.length > 0) {
        int used = (int) (size - (long) (chunks.length - 1) * CHUNK);
        chunks[chunks.length - 1] = Arrays.copyOf(current, used);
      }
      return chunks;
    }
  }
}
