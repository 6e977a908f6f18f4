package dev.bigram.data;

import dev.bigram.config.TokenizerSettings;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits one line (one sentence) into tokens. With the default pattern, a hand-written scan over code points
 * replaces the regex engine (it is the inner loop of the data pass); any other pattern uses
 * {@link Matcher#find()}. Both give the same tokens for the default pattern (see TokenizerTest).
 */
public final class Tokenizer implements Serializable {
  private static final long serialVersionUID = 1L;

  private final TokenizerSettings settings;
  private final boolean fastPath;
  private transient Pattern compiled;

  public Tokenizer(TokenizerSettings settings) {
    this.settings = settings;
    this.fastPath = TokenizerSettings.DEFAULT_PATTERN.equals(settings.pattern());
  }

  public TokenizerSettings settings() {
    return settings;
  }

  /**
   * Calls {@code sink} for each token of {@code line}, in order, and returns how many tokens were dropped for
   * being longer than {@link TokenizerSettings#maxTokenLength()}.
   */
  public int forEachToken(String line, Consumer<String> sink) {
    String text = settings.lowercase() ? line.toLowerCase(Locale.ROOT) : line;
    int maxLength = settings.maxTokenLength();
    if (fastPath) {
      return scanDefault(text, sink, maxLength);
    }
    if (compiled == null) compiled = Pattern.compile(settings.pattern());
    Matcher m = compiled.matcher(text);
    int dropped = 0;
    while (m.find()) {
      int length = m.end() - m.start();
      if (length > maxLength) {
        dropped++;
      } else if (length > 0) {
        sink.accept(m.group());
      }
    }
    return dropped;
  }

  public List<String> tokens(String line) {
    List<String> out = new ArrayList<>();
    forEachToken(line, out::add);
    return out;
  }

  private static int scanDefault(String text, Consumer<String> sink, int maxLength) {
    int n = text.length();
    int i = 0;
    int dropped = 0;
    while (i < n) {
      int cp = text.codePointAt(i);
      if (!isTokenChar(cp)) {
        i += Character.charCount(cp);
        continue;
      }
      int start = i;
      while (i < n) {
        cp = text.codePointAt(i);
        if (!isTokenChar(cp)) break;
        i += Character.charCount(cp);
      }
      if (i - start > maxLength) {
        dropped++;
      } else {
        sink.accept(text.substring(start, i));
      }
    }
    return dropped;
  }

  /** {@code [\p{L}\p{N}']}: Java's \p{L} is every letter category, \p{N} every number category. */
  static boolean isTokenChar(int cp) {
    if (cp < 128) {
      return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '\'';
    }
    switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER, Character.OTHER_NUMBER:
        return true;
      default:
        return false;
    }
  }
}
