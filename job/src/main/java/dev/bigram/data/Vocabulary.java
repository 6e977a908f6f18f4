package dev.bigram.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Word ids. Id 0 is {@code <unk>}; with sentence markers, ids 1 and 2 are {@code <s>} and {@code </s>}; then
 * the kept words by descending count, ties broken by the word itself, so ids are the same on every run over
 * the same corpus, whatever the partitioning.
 */
public final class Vocabulary implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String UNK = "<unk>";
  public static final String BOS = "<s>";
  public static final String EOS = "</s>";
  public static final int UNK_ID = 0;

  /** Orders word counts as the vocabulary keeps them: by count descending, then by word. */
  public static final Comparator<WordCount> ORDER =
      Comparator.comparingLong(WordCount::count).reversed().thenComparing(WordCount::word);

  private final String[] words;
  private final long[] counts;
  private final boolean sentenceMarkers;
  private transient Map<String, Integer> index;

  public Vocabulary(String[] words, long[] counts, boolean sentenceMarkers) {
    if (words.length != counts.length) {
      throw new IllegalArgumentException(words.length + " words but " + counts.length + " counts");
    }
    if (words.length < 1 || !UNK.equals(words[0])) {
      throw new IllegalArgumentException("id 0 must be " + UNK);
    }
    this.words = words;
    this.counts = counts;
    this.sentenceMarkers = sentenceMarkers;
  }

  /**
   * Keeps the top {@code maxSize} ids (special tokens included) among {@code candidates} with at least
   * {@code minCount} occurrences. {@code candidates} need not be sorted; they may hold more than needed.
   */
  public static Vocabulary build(List<WordCount> candidates, int maxSize, long minCount, boolean sentenceMarkers,
      long unkCount, long sentences) {
    List<String> w = new ArrayList<>();
    List<Long> c = new ArrayList<>();
    w.add(UNK);
    c.add(unkCount);
    if (sentenceMarkers) {
      w.add(BOS);
      c.add(sentences);
      w.add(EOS);
      c.add(sentences);
    }
    List<WordCount> sorted = new ArrayList<>(candidates);
    sorted.sort(ORDER);
    for (WordCount wc : sorted) {
      if (w.size() >= maxSize) break;
      if (wc.count() < minCount || isSpecial(wc.word())) continue;
      w.add(wc.word());
      c.add(wc.count());
    }
    long[] counts = new long[c.size()];
    for (int i = 0; i < counts.length; i++) counts[i] = c.get(i);
    return new Vocabulary(w.toArray(new String[0]), counts, sentenceMarkers);
  }

  public static boolean isSpecial(String word) {
    return UNK.equals(word) || BOS.equals(word) || EOS.equals(word);
  }

  /** The same vocabulary with the given count for {@code <unk>} (known only after the second pass). */
  public Vocabulary withCounts(long[] newCounts) {
    return new Vocabulary(words, newCounts, sentenceMarkers);
  }

  public int size() {
    return words.length;
  }

  public String word(int id) {
    return words[id];
  }

  public long count(int id) {
    return counts[id];
  }

  public boolean sentenceMarkers() {
    return sentenceMarkers;
  }

  /** The id of {@code word}, or {@link #UNK_ID}. */
  public int id(String word) {
    Integer id = index().get(word);
    return id == null ? UNK_ID : id;
  }

  public boolean contains(String word) {
    return index().containsKey(word);
  }

  public int bosId() {
    return sentenceMarkers ? 1 : -1;
  }

  public int eosId() {
    return sentenceMarkers ? 2 : -1;
  }

  private Map<String, Integer> index() {
    if (index == null) {
      Map<String, Integer> m = new HashMap<>(words.length * 2);
      for (int i = 0; i < words.length; i++) m.put(words[i], i);
      index = m;
    }
    return index;
  }

  /** A word and how often it occurred. */
  public record WordCount(String word, long count) implements Serializable {}
}
