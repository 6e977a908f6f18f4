package dev.bigram.analysis;

import dev.bigram.analysis.TopCounts.PairCount;
import dev.bigram.config.WordPair;
import dev.bigram.data.Tokenizer;
import dev.bigram.data.Vocabulary;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A pair whose probability is recorded every epoch: its ids in {@code W} and its words as the vocabulary has them. */
public record TracedPair(int prevId, int nextId, String prev, String next) {
  private static final Logger LOG = LoggerFactory.getLogger(TracedPair.class);

  /**
   * The configured pairs, or, when none are configured, the most frequent training pairs. A configured pair
   * with a word outside the vocabulary cannot be traced: it is skipped with a warning.
   */
  public static List<TracedPair> resolve(List<WordPair> configured, List<PairCount> frequent, Vocabulary vocab,
      Tokenizer tokenizer) {
    Set<TracedPair> out = new LinkedHashSet<>();
    if (configured.isEmpty()) {
      for (PairCount p : frequent) {
        out.add(new TracedPair(p.prev(), p.next(), vocab.word(p.prev()), vocab.word(p.next())));
      }
      return new ArrayList<>(out);
    }
    for (WordPair pair : configured) {
      int prev = WordIds.idOf(vocab, tokenizer, pair.prev());
      int next = WordIds.idOf(vocab, tokenizer, pair.next());
      if (prev == WordIds.OUT_OF_VOCABULARY || next == WordIds.OUT_OF_VOCABULARY) {
        LOG.warn("analysis.trace-pairs: {} is not traced: '{}' is out of vocabulary", pair,
            prev == WordIds.OUT_OF_VOCABULARY ? pair.prev() : pair.next());
        continue;
      }
      out.add(new TracedPair(prev, next, vocab.word(prev), vocab.word(next)));
    }
    return new ArrayList<>(out);
  }

  public String label() {
    return prev + WordPair.SEPARATOR + next;
  }
}
