package dev.bigram.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bigram.config.TokenizerSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The cached form of a partition gives back exactly its lines' tokens, across chunk boundaries. */
class TokenizedPartitionTest {
  private final Tokenizer tokenizer = new Tokenizer(TokenizerSettings.defaults());

  @Test
  void theStreamReplaysEveryLineAndTheTablesCountEveryWord() {
    Random r = new Random(7);
    String[] words = {"the", "The", "cat", "sat", "on", "mat", "a", "dog's", "Ünïcode", "42"};
    List<CorpusRecord> records = new ArrayList<>();
    List<List<String>> expectedLines = new ArrayList<>();
    List<Boolean> expectedSplit = new ArrayList<>();
    Map<String, Long> expectedCounts = new HashMap<>();
    long threshold = DataPass.splitThreshold(0.3);
    // About 400,000 tokens: more than one chunk of the stream.
    for (int n = 0; n < 40_000; n++) {
      StringBuilder line = new StringBuilder();
      int len = r.nextInt(20);
      for (int k = 0; k < len; k++) line.append(words[r.nextInt(words.length)]).append(r.nextBoolean() ? " " : ", ");
      if (n % 997 == 0) line.setLength(0);
      String text = line.toString();
      records.add(CorpusRecord.ofLine(text));
      List<String> tokens = tokenizer.tokens(text);
      tokens.forEach(t -> expectedCounts.merge(t, 1L, Long::sum));
      if (!tokens.isEmpty()) {
        expectedLines.add(tokens);
        expectedSplit.add(DataPass.lineHash(text) < threshold);
      }
    }
    TokenizedPartition p = TokenizedPartition.of(records.iterator(), tokenizer, threshold, null);

    Map<String, Long> counts = new HashMap<>();
    for (int i = 0; i < p.words.length; i++) counts.put(p.words[i], p.counts[i]);
    assertEquals(expectedCounts, counts);
    assertEquals(40_000, p.stats[CorpusStats.LINES.ordinal()]);

    List<List<String>> lines = new ArrayList<>();
    List<Boolean> split = new ArrayList<>();
    List<String> current = new ArrayList<>();
    p.forEach(id -> {
      if (id >= 0) {
        current.add(p.words[id]);
      } else {
        lines.add(List.copyOf(current));
        split.add(id == TokenizedPartition.END_VALIDATION);
        current.clear();
      }
    });
    assertEquals(List.of(), current, "the stream ends with a terminator");
    assertEquals(expectedLines, lines);
    assertEquals(expectedSplit, split);
  }

  @Test
  void largeFilesAreSplitEvenlyOverTheCoresLikeSparksFileSources() {
    assertEquals(50_000_000L, CorpusReader.splitBytes(100_000_000L, 2));
    assertEquals(128L << 20, CorpusReader.splitBytes(10_000_000_000L, 2), "at most 128 MB");
    assertEquals(4L << 20, CorpusReader.splitBytes(1_000_000L, 8), "at least 4 MB");
  }
}
