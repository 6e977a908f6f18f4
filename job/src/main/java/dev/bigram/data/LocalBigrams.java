package dev.bigram.data;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * Counts the bigrams of modest held-out text in this JVM, without Spark, the way the data pass counts a line:
 * the run's tokenizer and vocabulary ({@code <unk>} for other words), sentence markers when the run has them,
 * and no pair across a line break. Every line goes to one split (the block's training side).
 */
public final class LocalBigrams {
  private LocalBigrams() {}

  /** The bigram counts of {@code lines}, as one row block over all {@code V} rows. */
  public static RowBlock count(BufferedReader lines, Tokenizer tokenizer, Vocabulary vocab) throws IOException {
    PairCounter counter = new PairCounter(vocab);
    String line;
    while ((line = lines.readLine()) != null) {
      counter.startLine();
      tokenizer.forEachToken(line, w -> counter.token(vocab.id(w)));
      counter.endLine(false);
    }
    return counter.toBlock(new RowBlocks(vocab.size(), 1));
  }
}
