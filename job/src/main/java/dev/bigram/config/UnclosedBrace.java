package dev.bigram.config;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalInt;

/**
 * Where a HOCON file opens a {@code {} it never closes. The parser only says it expected something else at the
 * end of the file; the line that opened the object is what a user needs to find the missing {@code }}.
 * Strings (with escapes) and comments ({@code #}, {@code //}) are skipped.
 */
final class UnclosedBrace {
  private UnclosedBrace() {}

  /** The line (1-based) of the innermost {@code {} left open at the end of {@code text}, if any. */
  static OptionalInt of(String text) {
    Deque<int[]> open = new ArrayDeque<>();
    int line = 1;
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        inString = false; // a quoted string ends at the end of its line
        continue;
      }
      if (inString) {
        if (c == '\\') i++;
        else if (c == '"') inString = false;
        continue;
      }
      if (c == '"') {
        inString = true;
      } else if (c == '#' || (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/')) {
        while (i + 1 < text.length() && text.charAt(i + 1) != '\n') i++;
      } else if (c == '{' || c == '[') {
        open.push(new int[] {c, line});
      } else if ((c == '}' || c == ']') && !open.isEmpty()) {
        open.pop();
      }
    }
    for (int[] o : open) {
      if (o[0] == '{') return OptionalInt.of(o[1]);
    }
    return OptionalInt.empty();
  }
}
