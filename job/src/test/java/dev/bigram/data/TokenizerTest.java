package dev.bigram.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bigram.config.TokenizerSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TokenizerTest {
  private final Tokenizer tokenizer = new Tokenizer(TokenizerSettings.defaults());

  @Test
  void defaultsLowercaseAndKeepLettersDigitsApostrophes() {
    assertEquals(List.of("the", "cat's", "2nd", "café", "naïve", "über"),
        tokenizer.tokens("The CAT'S 2nd -- café, Naïve; ÜBER!"));
    assertEquals(List.of(), tokenizer.tokens("... --- !!!"));
  }

  @Test
  void fastPathAgreesWithTheRegexOnRandomUnicode() {
    Random r = new Random(99);
    int[] alphabet = {'a', 'Z', '7', '\'', ' ', '-', ',', '\t', 'é', 'ß', 'Ж', '中', '٣', 'Ⅻ', '²', 0x1F600, 0x1D400,
        '_', '.', 'İ'};
    Pattern p = Pattern.compile(TokenizerSettings.DEFAULT_PATTERN);
    for (int n = 0; n < 2000; n++) {
      StringBuilder sb = new StringBuilder();
      int len = r.nextInt(30);
      for (int k = 0; k < len; k++) sb.appendCodePoint(alphabet[r.nextInt(alphabet.length)]);
      String line = sb.toString();
      List<String> expected = new ArrayList<>();
      Matcher m = p.matcher(line.toLowerCase(java.util.Locale.ROOT));
      while (m.find()) expected.add(m.group());
      assertEquals(expected, tokenizer.tokens(line), "line: " + line);
    }
  }

  @Test
  void customPatternAndCaseAreHonoured() {
    Tokenizer words = new Tokenizer(new TokenizerSettings("[A-Za-z]+", false, false));
    assertEquals(List.of("The", "Cat", "s"), words.tokens("The Cat's 42"));
  }
}
