package dev.bigram.data;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes bytes as UTF-8 without trusting them, and counts every repair:
 *
 * <ul>
 *   <li>each maximal run of bytes that is not valid UTF-8 becomes one U+FFFD, and its bytes are counted in
 *       {@link CorpusStats#INVALID_BYTES};</li>
 *   <li>NUL and the other control characters (C0 and C1, all but tab and form feed) become a space, counted in
 *       {@link CorpusStats#CONTROL_CHARS}.</li>
 * </ul>
 *
 * The tokenizer then sees only text: a repaired character separates tokens, as punctuation does. Not thread-safe
 * (it keeps one decoder); each record reader has its own.
 */
final class TextRepair {
  static final java.nio.charset.Charset WINDOWS_1252 = java.nio.charset.Charset.forName("windows-1252");

  /** UTF-8, or Windows-1252 for a file that {@link #readsAsWindows1252} (every byte is then a character). */
  private final boolean windows1252;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private CharBuffer chars = CharBuffer.allocate(256);

  TextRepair() {
    this(false);
  }

  TextRepair(boolean windows1252) {
    this.windows1252 = windows1252;
  }

  /**
   * Whether a file whose head is {@code bytes[0, length)} is Windows-1252 (or Latin-1) rather than damaged
   * UTF-8: its head has invalid UTF-8 sequences, and decoded as Windows-1252 it has no C1 control character and
   * no byte that Windows-1252 leaves undefined. A few stray bytes in a UTF-8 file also fail UTF-8, but rarely
   * read cleanly as Windows-1252 too; text in Windows-1252 always does.
   */
  static boolean readsAsWindows1252(byte[] bytes, int length, boolean whole) {
    long[] stats = CorpusStats.empty();
    new TextRepair().decodeInto(bytes, length, whole, stats);
    if (stats[CorpusStats.INVALID_BYTES.ordinal()] == 0) return false;
    String text = new String(bytes, 0, length, WINDOWS_1252);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c >= 0x80 && c <= 0x9F) || c == '\uFFFD') return false;
    }
    return true;
  }

  /** The text of {@code bytes[0, length)}, repaired; the repairs are added to {@code stats}. */
  String decode(byte[] bytes, int length, long[] stats) {
    if (isPlainAscii(bytes, length)) {
      return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
    if (windows1252) return repairControls(new String(bytes, 0, length, WINDOWS_1252), stats);
    // Valid UTF-8 without controls (most text) takes the JDK's intrinsic decoder; only a line that shows a
    // U+FFFD or a control character is decoded again, by the decoder that counts.
    String fast = new String(bytes, 0, length, StandardCharsets.UTF_8);
    if (isClean(fast)) return fast;
    CharBuffer out = decodeInto(bytes, length, true, stats);
    long controls = 0;
    char[] a = out.array();
    for (int i = 0; i < out.position(); i++) {
      if (isDamageControl(a[i])) {
        a[i] = ' ';
        controls++;
      }
    }
    stats[CorpusStats.CONTROL_CHARS.ordinal()] += controls;
    return new String(a, 0, out.position());
  }

  /**
   * The share of {@code bytes[0, length)} that is not text: bytes of invalid UTF-8 sequences and NUL or control
   * characters. With {@code whole} false the bytes are the head of a longer stream, so a character cut at the
   * end is not counted as damage.
   */
  double damagedShare(byte[] bytes, int length, boolean whole) {
    if (length == 0) return 0.0;
    long[] stats = CorpusStats.empty();
    CharBuffer out = decodeInto(bytes, length, whole, stats);
    long damaged = stats[CorpusStats.INVALID_BYTES.ordinal()];
    char[] a = out.array();
    for (int i = 0; i < out.position(); i++) {
      if (a[i] == '\n' || a[i] == '\r') continue;
      if (isDamageControl(a[i])) damaged++;
    }
    return (double) damaged / length;
  }

  /** {@code text} with NUL and control characters turned into spaces, counted in {@code stats}. */
  private static String repairControls(String text, long[] stats) {
    if (isClean(text)) return text;
    char[] a = text.toCharArray();
    long controls = 0;
    for (int i = 0; i < a.length; i++) {
      if (isDamageControl(a[i]) || a[i] == '\uFFFD') {
        a[i] = ' ';
        controls++;
      }
    }
    stats[CorpusStats.CONTROL_CHARS.ordinal()] += controls;
    return new String(a);
  }

  /** NUL and control characters other than tab and form feed (which real text uses). */
  static boolean isDamageControl(char c) {
    return (c < 0x20 && c != '\t' && c != '\f') || (c >= 0x7F && c <= 0x9F);
  }

  private static boolean isClean(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\uFFFD' || isDamageControl(c)) return false;
    }
    return true;
  }

  /** True when every byte is printable ASCII or a tab: the common case, decoded without a decoder. */
  private static boolean isPlainAscii(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      byte b = bytes[i];
      if ((b < 0x20 && b != '\t') || b == 0x7F) return false; // negative bytes are >= 0x80
    }
    return true;
  }

  private CharBuffer decodeInto(byte[] bytes, int length, boolean endOfInput, long[] stats) {
    // UTF-8 never yields more chars than bytes, and one U+FFFD replaces at least one byte.
    if (chars.capacity() < length) chars = CharBuffer.allocate(Math.max(length, chars.capacity() * 2));
    CharBuffer out = chars;
    out.clear();
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
    decoder.reset();
    long invalid = 0;
    while (true) {
      CoderResult r = decoder.decode(in, out, endOfInput);
      if (r.isUnderflow()) break;
      if (r.isError()) {
        invalid += r.length();
        out.put('\uFFFD');
        in.position(in.position() + r.length());
      } else {
        throw new IllegalStateException("decoder overflow with " + out.capacity() + " chars for " + length
            + " bytes");
      }
    }
    if (endOfInput) decoder.flush(out);
    stats[CorpusStats.INVALID_BYTES.ordinal()] += invalid;
    return out;
  }
}
