package dev.bigram.data;

import java.io.Serializable;
import java.util.List;

/**
 * One element of the corpus as read: a line of repaired text, or, once at the end of each input split, the
 * report of what reading that split found (damage counters, a skipped or unreadable file). The reports ride in
 * the same partitions as the lines, so the data pass sums them exactly, with the bigram counts.
 *
 * @param line the text of one line, or {@code null} for a report
 * @param report the split's report, or {@code null} for a line
 */
public record CorpusRecord(String line, ReadReport report) implements Serializable {
  public static CorpusRecord ofLine(String line) {
    return new CorpusRecord(line, null);
  }

  public static CorpusRecord ofReport(ReadReport report) {
    return new CorpusRecord(null, report);
  }

  public boolean isLine() {
    return line != null;
  }

  /**
   * What reading one input split found.
   *
   * @param stats counters indexed by {@link CorpusStats#ordinal()} (only the reading ones are set)
   * @param issue a file that could not be used, or {@code null}
   */
  public record ReadReport(long[] stats, ReadIssue issue, List<ReadIssue> notes) implements Serializable {
    public ReadReport(long[] stats, ReadIssue issue) {
      this(stats, issue, List.of());
    }
  }
}
