package dev.bigram.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.config.TokenizerSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reading lines without trusting the bytes: repairs and cuts are exact, and memory stays bounded. */
class BoundedLineReaderTest {
  static final int LIMIT = 1 << 20;

  static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      } else if (p instanceof int[] raw) {
        for (int b : raw) out.write(b);
      }
    }
    return out.toByteArray();
  }

  static List<String> readAll(BoundedLineReader r) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String l = r.readLine(); l != null; l = r.readLine()) lines.add(l);
    return lines;
  }

  static long stat(long[] stats, CorpusStats s) {
    return stats[s.ordinal()];
  }

  @Test
  void linesEndAtNewlineWithOrWithoutCarriageReturnAndTheLastNeedsNone() throws IOException {
    long[] stats = CorpusStats.empty();
    BoundedLineReader r = new BoundedLineReader(new ByteArrayInputStream(bytes("one two\r\n\nthree\nfour")),
        LIMIT, stats);
    assertEquals(List.of("one two", "", "three", "four"), readAll(r));
    assertEquals(20, r.consumed());
    assertEquals(0, stat(stats, CorpusStats.CONTROL_CHARS), "a CRLF is a line end, not damage");
    assertEquals(0, stat(stats, CorpusStats.INVALID_BYTES));
  }

  @Test
  void invalidUtf8BecomesOneReplacementPerBadRunAndEveryBadByteIsCounted() throws IOException {
    long[] stats = CorpusStats.empty();
    // Latin-1 é (one byte), a lone continuation byte, a truncated 3-byte sequence, then valid é and 😀.
    byte[] in = bytes("caf", new int[] {0xE9}, " x", new int[] {0x80}, "y ", new int[] {0xE2, 0x82},
        " caf\u00e9 \uD83D\uDE00\n");
    List<String> lines = readAll(new BoundedLineReader(new ByteArrayInputStream(in), LIMIT, stats));
    assertEquals(List.of("caf\uFFFD x\uFFFDy \uFFFD caf\u00e9 \uD83D\uDE00"), lines);
    assertEquals(4, stat(stats, CorpusStats.INVALID_BYTES));
  }

  @Test
  void nulAndControlCharactersBecomeSpacesAndAreCountedButTabsStay() throws IOException {
    long[] stats = CorpusStats.empty();
    byte[] in = bytes("the", new int[] {0}, "cat", new int[] {7, 0x1B}, "sat\ton \u0085the mat\n");
    List<String> lines = readAll(new BoundedLineReader(new ByteArrayInputStream(in), LIMIT, stats));
    assertEquals(List.of("the cat  sat\ton  the mat"), lines);
    assertEquals(4, stat(stats, CorpusStats.CONTROL_CHARS), "NUL, BEL, ESC and the C1 control U+0085");
    assertEquals(List.of("the", "cat", "sat", "on", "the", "mat"),
        new Tokenizer(TokenizerSettings.defaults()).tokens(lines.get(0)));
  }

  @Test
  void aLineOf200MegabytesIsCutToTheLimitWithoutBeingBuffered() throws IOException {
    long size = 200L << 20;
    long[] stats = CorpusStats.empty();
    InputStream huge = new SequenceInputStream(new RepeatingStream("lorem ipsum dolor ", size),
        new ByteArrayInputStream(bytes("\nafter the long line\n")));
    BoundedLineReader r = new BoundedLineReader(huge, LIMIT, stats);
    String first = r.readLine();
    assertEquals(LIMIT, first.length());
    assertTrue(first.startsWith("lorem ipsum dolor lorem"));
    int capacity = lineBufferCapacity(r);
    assertTrue(capacity <= LIMIT + 1, "buffer grew to " + capacity);
    assertEquals("after the long line", r.readLine());
    assertNull(r.readLine());
    assertEquals(1, stat(stats, CorpusStats.TRUNCATED_LINES));
    assertEquals(size - LIMIT, stat(stats, CorpusStats.TRUNCATED_BYTES));
    assertEquals(size + 21, r.consumed());
  }

  @Test
  void aCutNeverSplitsACharacter() throws IOException {
    long[] stats = CorpusStats.empty();
    String line = "\u00e9".repeat(10); // 20 bytes
    BoundedLineReader r = new BoundedLineReader(new ByteArrayInputStream(bytes(line, "\n")), 7, stats);
    assertEquals("\u00e9".repeat(3), r.readLine(), "7 bytes keep three whole 2-byte characters");
    assertEquals(0, stat(stats, CorpusStats.INVALID_BYTES));
    assertEquals(14, stat(stats, CorpusStats.TRUNCATED_BYTES));
  }

  @Test
  void aLineExactlyAtTheLimitIsNotCut() throws IOException {
    long[] stats = CorpusStats.empty();
    BoundedLineReader r = new BoundedLineReader(new ByteArrayInputStream(bytes("abcdefg\r\nhi\n")), 7, stats);
    assertEquals(List.of("abcdefg", "hi"), readAll(r));
    assertEquals(0, stat(stats, CorpusStats.TRUNCATED_LINES));
  }

  @Test
  void skipLineReadsPastALineWithoutCountingIt() throws IOException {
    long[] stats = CorpusStats.empty();
    BoundedLineReader r = new BoundedLineReader(new ByteArrayInputStream(bytes("bad\0\u00ff tail\nnext\n")), 4,
        stats);
    assertTrue(r.skipLine());
    assertEquals("next", r.readLine());
    assertEquals(0, stat(stats, CorpusStats.CONTROL_CHARS) + stat(stats, CorpusStats.TRUNCATED_LINES));
  }

  @Test
  void theDamagedShareSeparatesTextFromBinary() {
    TextRepair repair = new TextRepair();
    byte[] text = bytes("In the beginning God created the heaven and the earth.\tCaf\u00e9 \u00fcber alles.\n"
        .repeat(50));
    assertEquals(0.0, repair.damagedShare(text, text.length, true), 0.0);
    byte[] latin1 = "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e, s'il vous pla\u00eet.\n".repeat(50)
        .getBytes(StandardCharsets.ISO_8859_1);
    assertTrue(repair.damagedShare(latin1, latin1.length, true) < 0.15, "Latin-1 text is damaged, not binary");
    byte[] random = new byte[65536];
    new Random(7).nextBytes(random);
    assertTrue(repair.damagedShare(random, random.length, false) > 0.5);
    byte[] utf16 = "plain words in UTF-16\n".repeat(50).getBytes(StandardCharsets.UTF_16LE);
    assertTrue(repair.damagedShare(utf16, utf16.length, true) > 0.3, "every other byte is NUL");
    byte[] cut = bytes("abc\u00e9");
    assertEquals(0.0, repair.damagedShare(cut, cut.length - 1, false), 0.0,
        "a character cut at the end of a head is not damage");
  }

  /** {@code size} bytes of a repeated phrase, generated on the fly. */
  static final class RepeatingStream extends InputStream {
    private final byte[] phrase;
    private final long size;
    private long pos;

    RepeatingStream(String phrase, long size) {
      this.phrase = phrase.getBytes(StandardCharsets.US_ASCII);
      this.size = size;
    }

    @Override
    public int read() {
      return pos < size ? phrase[(int) (pos++ % phrase.length)] : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= size) return -1;
      int n = (int) Math.min(len, size - pos);
      for (int i = 0; i < n; i++) b[off + i] = phrase[(int) ((pos + i) % phrase.length)];
      pos += n;
      return n;
    }
  }

  /** The reader's private line buffer, read by reflection: it must never grow past the limit. */
  private static int lineBufferCapacity(BoundedLineReader reader) {
    try {
      java.lang.reflect.Field line = BoundedLineReader.class.getDeclaredField("line");
      line.setAccessible(true);
      return ((byte[]) line.get(reader)).length;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("BoundedLineReader has no byte[] line buffer", e);
    }
  }
}
