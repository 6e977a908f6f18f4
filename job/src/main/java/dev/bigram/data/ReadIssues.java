package dev.bigram.data;

import dev.bigram.config.ReadSettings;
import dev.bigram.config.Redaction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects, on the driver, the files the tasks could not use ({@link ReadIssue}), and decides after each pass
 * over the corpus: an unreadable file is an input error; a binary file is skipped with a warning, or an input
 * error with {@code input.on-binary = fail}. An accumulator may count a retried task twice; issues are kept by
 * path, so that does not matter.
 */
public final class ReadIssues {
  private static final Logger LOG = LoggerFactory.getLogger(ReadIssues.class);
  /** How many files a message names before it says "and N more". */
  static final int NAMED = 3;

  private final CollectionAccumulator<ReadIssue> accumulator;
  private final ReadSettings settings;
  private final Map<String, ReadIssue> warned = new LinkedHashMap<>();
  private final Map<String, ReadIssue> damaged = new LinkedHashMap<>();

  ReadIssues(JavaSparkContext jsc, ReadSettings settings) {
    this.accumulator = jsc.sc().collectionAccumulator("corpus read issues");
    this.settings = settings;
  }

  /** For a corpus read in this JVM ({@link LocalBigrams#read}): the issues are handed to {@link #check(Collection)}. */
  ReadIssues(ReadSettings settings) {
    this.accumulator = null;
    this.settings = settings;
  }

  /** The accumulator the tasks add to (serialized into their closures). */
  CollectionAccumulator<ReadIssue> accumulator() {
    return accumulator;
  }

  /** Called in a task for every report of a split. */
  static void add(CollectionAccumulator<ReadIssue> accumulator, CorpusRecord.ReadReport report) {
    add(accumulator::add, report);
  }

  /** The issue and the notes of one report, to {@code sink}. */
  static void add(java.util.function.Consumer<ReadIssue> sink, CorpusRecord.ReadReport report) {
    if (report.issue() != null) sink.accept(report.issue());
    for (ReadIssue note : report.notes()) sink.accept(note);
  }

  /** Throws {@link InputException} for unusable files; logs newly skipped binary files once. */
  void check() {
    check(accumulator.value());
  }

  /** {@link #check()} of the issues that reading found, however they were collected. */
  void check(Collection<ReadIssue> issues) {
    Map<String, ReadIssue> unreadable = new LinkedHashMap<>();
    Map<String, ReadIssue> binary = new LinkedHashMap<>();
    Map<String, ReadIssue> windows1252 = new LinkedHashMap<>();
    for (ReadIssue i : issues) {
      switch (i.kind()) {
        case UNREADABLE -> unreadable.putIfAbsent(i.path(), i);
        case BINARY -> binary.putIfAbsent(i.path(), i);
        case WINDOWS_1252 -> windows1252.putIfAbsent(i.path(), i);
        case DAMAGED -> damaged.merge(i.path(), i, (a, b) -> a);
      }
    }
    for (ReadIssue i : windows1252.values()) {
      if (warned.putIfAbsent("windows-1252:" + i.path(), i) == null) {
        LOG.info("Read {} as Windows-1252: {} (input.encoding = auto; set it to utf-8 to read every file as UTF-8)",
            Redaction.redactText(i.path()), i.detail());
      }
    }
    if (!unreadable.isEmpty()) {
      throw new InputException(describe("cannot be read", unreadable)
          + ": the file is missing, not readable, truncated or corrupt; replace it or remove it from the input");
    }
    if (!binary.isEmpty() && settings.failOnBinary()) {
      throw new InputException(describe("looks binary", binary)
          + ": remove it from the input, or set input.on-binary = skip to skip such files");
    }
    List<ReadIssue> fresh = new ArrayList<>();
    for (ReadIssue i : binary.values()) {
      if (warned.putIfAbsent(i.path(), i) == null) fresh.add(i);
    }
    if (!fresh.isEmpty()) {
      Map<String, ReadIssue> m = new LinkedHashMap<>();
      for (ReadIssue i : fresh) m.put(i.path(), i);
      LOG.warn("Skipped {} (input.binary-threshold = {}; input.on-binary = fail makes this an error)",
          Redaction.redactText(describe("that looks binary", m)), settings.binaryThreshold());
    }
  }

  /**
   * The files whose damaged bytes were repaired, for the damage warning: "input file P", or "N input files: P,
   * Q, ... and M more"; null when none.
   */
  String damagedFiles() {
    if (damaged.isEmpty()) return null;
    if (damaged.size() == 1) return "input file " + Redaction.redactText(damaged.keySet().iterator().next());
    StringBuilder sb = new StringBuilder().append(damaged.size()).append(" input files: ");
    int n = 0;
    for (String path : damaged.keySet()) {
      if (n == NAMED) {
        sb.append(" and ").append(damaged.size() - NAMED).append(" more");
        break;
      }
      if (n++ > 0) sb.append(", ");
      sb.append(Redaction.redactText(path));
    }
    return sb.toString();
  }

  /** "input file P ({detail}) {what}" or "3 input files {what}: P (detail), Q (detail), ... and N more". */
  static String describe(String what, Map<String, ReadIssue> issues) {
    if (issues.size() == 1) {
      ReadIssue i = issues.values().iterator().next();
      return "input file " + i.path() + " " + what + " (" + i.detail() + ")";
    }
    StringBuilder sb = new StringBuilder().append(issues.size()).append(" input files ").append(what).append(": ");
    int n = 0;
    for (ReadIssue i : issues.values()) {
      if (n == NAMED) {
        sb.append(" and ").append(issues.size() - NAMED).append(" more");
        break;
      }
      if (n > 0) sb.append(", ");
      sb.append(i.path()).append(" (").append(i.detail()).append(')');
      n++;
    }
    return sb.toString();
  }
}
