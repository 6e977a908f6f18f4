package dev.bigram.analysis;

import dev.bigram.data.Tokenizer;
import dev.bigram.data.Vocabulary;
import java.util.List;

/** Maps a word as a user writes it (configuration, command line) to the run's vocabulary. */
public final class WordIds {
  /** Returned by {@link #idOf} for a word outside the vocabulary. */
  public static final int OUT_OF_VOCABULARY = -1;

  private WordIds() {}

  /**
   * The word as the tokenizer would have produced it (lowercased by default). Special tokens ({@code <unk>},
   * {@code <s>}, {@code </s>}) and text that is not exactly one token are kept as written.
   */
  public static String normalize(Tokenizer tokenizer, String word) {
    if (Vocabulary.isSpecial(word)) return word;
    List<String> tokens = tokenizer.tokens(word);
    return tokens.size() == 1 ? tokens.get(0) : word;
  }

  /** The id of the normalized word, or {@link #OUT_OF_VOCABULARY}. */
  public static int idOf(Vocabulary vocab, Tokenizer tokenizer, String word) {
    String key = normalize(tokenizer, word);
    return vocab.contains(key) ? vocab.id(key) : OUT_OF_VOCABULARY;
  }
}
