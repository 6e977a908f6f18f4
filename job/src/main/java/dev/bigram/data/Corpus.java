package dev.bigram.data;

import dev.bigram.config.ReadSettings;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A corpus opened for reading ({@link CorpusReader#open}): its records (repaired lines, and a report per input
 * split), and the driver's side of the reports, {@link ReadIssues}, which each pass checks after its action.
 */
public final class Corpus {
  private final JavaRDD<CorpusRecord> records;
  private final ReadIssues issues;

  Corpus(JavaRDD<CorpusRecord> records, ReadIssues issues) {
    this.records = records;
    this.issues = issues;
  }

  /** Lines that did not come through {@link CorpusReader}: no read reports, nothing to check. */
  static Corpus ofLines(JavaSparkContext jsc, JavaRDD<String> lines) {
    return new Corpus(lines.map(CorpusRecord::ofLine), new ReadIssues(jsc,
        ReadSettings.defaults()));
  }

  public JavaRDD<CorpusRecord> records() {
    return records;
  }

  /** The lines only. */
  public JavaRDD<String> lines() {
    return records.filter(CorpusRecord::isLine).map(CorpusRecord::line);
  }

  ReadIssues issues() {
    return issues;
  }
}
