package dev.bigram.config;

import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;

/**
 * How the corpus reader treats damaged input.
 *
 * @param maxLineBytes a longer line is cut to this many bytes ({@code tokenizer.max-line-length})
 * @param binaryThreshold a file whose first {@link #SNIFF_BYTES} bytes have a larger share of damaged bytes
 *     (invalid UTF-8, NUL, control) is binary ({@code input.binary-threshold}); 1 never skips a file
 * @param failOnBinary a binary file is an input error rather than skipped with a warning
 * @param autoEncoding {@code input.encoding = auto}: a file whose head is not UTF-8 but reads as Windows-1252
 *     without C1 control characters is read as Windows-1252 (else every file is read as UTF-8)
 *     ({@code input.on-binary = fail})
 */
public record ReadSettings(int maxLineBytes, double binaryThreshold, boolean failOnBinary, boolean autoEncoding)
    implements Serializable {
  /** How much of each file's head is looked at to decide whether it is binary. */
  public static final int SNIFF_BYTES = 64 * 1024;

  public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;
  public static final double DEFAULT_BINARY_THRESHOLD = 0.3;

  private static final String MAX_LINE_KEY = "bigram.read.max-line-bytes";
  private static final String THRESHOLD_KEY = "bigram.read.binary-threshold";
  private static final String FAIL_KEY = "bigram.read.fail-on-binary";
  private static final String AUTO_KEY = "bigram.read.auto-encoding";

  /** With {@code input.encoding = auto}. */
  public ReadSettings(int maxLineBytes, double binaryThreshold, boolean failOnBinary) {
    this(maxLineBytes, binaryThreshold, failOnBinary, true);
  }

  public ReadSettings {
    if (maxLineBytes < 1) throw new IllegalArgumentException("maxLineBytes must be >= 1, got " + maxLineBytes);
    if (!(binaryThreshold > 0 && binaryThreshold <= 1)) {
      throw new IllegalArgumentException("binaryThreshold must be in (0, 1], got " + binaryThreshold);
    }
  }

  /** The keys' defaults ({@link Keys}): lines cut at 1 MiB, files over 30% damaged skipped with a warning. */
  public static ReadSettings defaults() {
    return new ReadSettings(DEFAULT_MAX_LINE_BYTES, DEFAULT_BINARY_THRESHOLD, false, true);
  }

  /** Stores the settings in a Hadoop configuration, for the record readers in the tasks. */
  public void writeTo(Configuration conf) {
    conf.setInt(MAX_LINE_KEY, maxLineBytes);
    conf.setDouble(THRESHOLD_KEY, binaryThreshold);
    conf.setBoolean(FAIL_KEY, failOnBinary);
    conf.setBoolean(AUTO_KEY, autoEncoding);
  }

  public static ReadSettings readFrom(Configuration conf) {
    return new ReadSettings(conf.getInt(MAX_LINE_KEY, DEFAULT_MAX_LINE_BYTES),
        conf.getDouble(THRESHOLD_KEY, DEFAULT_BINARY_THRESHOLD), conf.getBoolean(FAIL_KEY, false),
        conf.getBoolean(AUTO_KEY, true));
  }
}
