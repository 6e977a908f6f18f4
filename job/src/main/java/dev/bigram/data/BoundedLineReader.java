package dev.bigram.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines with bounded memory, and repairs their text ({@link TextRepair}).
 *
 * <p>A line ends at {@code '\n'}; a {@code '\r'} just before it is dropped. A line longer than
 * {@code maxLineBytes} is cut: its first {@code maxLineBytes} bytes are kept (backed off to the start of a
 * UTF-8 character), and the rest is read past without being buffered, so a 100 MB line costs no more memory
 * than a short one. Each cut adds one to {@link CorpusStats#TRUNCATED_LINES} and the bytes dropped to
 * {@link CorpusStats#TRUNCATED_BYTES}.
 */
final class BoundedLineReader {
  static final int CHUNK_BYTES = 64 * 1024;
  /** A UTF-8 character has at most three continuation bytes. */
  private static final int MAX_CONTINUATION = 3;

  private final InputStream in;
  private final int maxLineBytes;
  private final long[] stats;
  private final TextRepair repair;
  private final byte[] chunk = new byte[CHUNK_BYTES];
  private int chunkPos;
  private int chunkLen;
  /** The kept bytes of the current line, plus one byte past the limit to see where a cut falls. */
  private byte[] line = new byte[256];
  private int lineLen;
  private long consumed;

  /** Repairs and cuts are added to {@code stats}, indexed by {@link CorpusStats#ordinal()}. */
  BoundedLineReader(InputStream in, int maxLineBytes, long[] stats) {
    this(in, maxLineBytes, stats, false);
  }

  /** As above, decoding Windows-1252 instead of UTF-8 when {@code windows1252}. */
  BoundedLineReader(InputStream in, int maxLineBytes, long[] stats, boolean windows1252) {
    if (maxLineBytes < 1) throw new IllegalArgumentException("maxLineBytes must be >= 1, got " + maxLineBytes);
    this.repair = new TextRepair(windows1252);
    this.in = in;
    this.maxLineBytes = maxLineBytes;
    this.stats = stats;
  }

  /** Bytes of the stream consumed so far: the end of the last line read or skipped, with its terminator. */
  long consumed() {
    return consumed;
  }


  /** The next line, repaired and cut to the limit; {@code null} at the end of the stream. */
  String readLine() throws IOException {
    lineLen = 0;
    long lineBytes = scan(true);
    if (lineBytes < 0) return null;
    int kept = (int) Math.min(lineLen, lineBytes);
    if (lineBytes > maxLineBytes) {
      kept = maxLineBytes;
      // line[kept] is the first byte dropped: if it continues a character, drop that whole character.
      for (int k = 0; k < MAX_CONTINUATION && kept > 0 && (line[kept] & 0xC0) == 0x80; k++) kept--;
      stats[CorpusStats.TRUNCATED_LINES.ordinal()]++;
      stats[CorpusStats.TRUNCATED_BYTES.ordinal()] += lineBytes - kept;
    }
    return repair.decode(line, kept, stats);
  }

  /** Reads past the rest of the current line without keeping it; false at the end of the stream. */
  boolean skipLine() throws IOException {
    return scan(false) >= 0;
  }

  /**
   * Consumes one line, keeping up to {@code maxLineBytes + 1} of its bytes when {@code keep}; returns its length
   * without the terminator ({@code '\r'} of a CRLF excluded), or -1 at the end of the stream.
   */
  private long scan(boolean keep) throws IOException {
    long length = 0;
    boolean any = false;
    boolean lastWasCr = false;
    while (true) {
      if (chunkPos == chunkLen) {
        int r = in.read(chunk, 0, chunk.length);
        if (r < 0) {
          if (!any) return -1;
          break;
        }
        chunkPos = 0;
        chunkLen = r;
        continue;
      }
      any = true;
      int end = chunkPos;
      while (end < chunkLen && chunk[end] != '\n') end++;
      int n = end - chunkPos;
      if (n > 0) {
        if (keep) append(chunkPos, n);
        lastWasCr = chunk[end - 1] == '\r';
        length += n;
      }
      boolean newline = end < chunkLen;
      consumed += n + (newline ? 1 : 0);
      chunkPos = newline ? end + 1 : end;
      if (newline) break;
    }
    if (lastWasCr) {
      length--;
      if (lineLen > length) lineLen = (int) length;
    }
    return length;
  }

  private void append(int from, int n) {
    int room = maxLineBytes + 1 - lineLen;
    int take = Math.min(n, room);
    if (take <= 0) return;
    if (lineLen + take > line.length) {
      int capacity = (int) Math.min((long) maxLineBytes + 1, Math.max(lineLen + take, (long) line.length * 2));
      line = Arrays.copyOf(line, capacity);
    }
    System.arraycopy(chunk, from, line, lineLen, take);
    lineLen += take;
  }
}
