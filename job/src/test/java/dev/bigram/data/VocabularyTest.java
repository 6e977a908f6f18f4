package dev.bigram.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bigram.data.Vocabulary.WordCount;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VocabularyTest {
  @Test
  void keepsTheMostFrequentBreakingTiesByWordWhateverTheInputOrder() {
    List<WordCount> counts = new ArrayList<>(List.of(new WordCount("b", 5), new WordCount("a", 5),
        new WordCount("c", 9), new WordCount("d", 1), new WordCount("e", 5)));
    for (long seed = 0; seed < 5; seed++) {
      Collections.shuffle(counts, new Random(seed));
      Vocabulary v = Vocabulary.build(counts, 4, 2, false, 0, 0);
      assertEquals(List.of("<unk>", "c", "a", "b"), words(v));
      assertEquals(Vocabulary.UNK_ID, v.id("e"));
      assertEquals(Vocabulary.UNK_ID, v.id("d"));
    }
  }

  @Test
  void sentenceMarkersTakeIdsOneAndTwoAndCountAgainstTheSize() {
    Vocabulary v = Vocabulary.build(List.of(new WordCount("x", 3), new WordCount("y", 2)), 4, 1, true, 0, 7);
    assertEquals(List.of("<unk>", "<s>", "</s>", "x"), words(v));
    assertEquals(1, v.bosId());
    assertEquals(2, v.eosId());
  }

  @Test
  void minCountDropsRareWords() {
    Vocabulary v = Vocabulary.build(List.of(new WordCount("x", 3), new WordCount("y", 1)), 100, 2, false, 0, 0);
    assertEquals(List.of("<unk>", "x"), words(v));
  }

  private static List<String> words(Vocabulary v) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) out.add(v.word(i));
    return out;
  }
}
