package dev.bigram.data;

import dev.bigram.config.ReadSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.JobConf;

/**
 * Counts the bigrams of modest held-out text in this JVM, without Spark, the way the data pass counts a line:
 * the run's tokenizer and vocabulary ({@code <unk>} for other words), sentence markers when the run has them,
 * and no pair across a line break. Every line goes to one split (the block's training side).
 */
public final class LocalBigrams {
  private LocalBigrams() {}

  /**
   * The bigram counts of the corpus under {@code path}, read in this JVM exactly as {@link CorpusReader} and
   * {@link DataPass#countBigrams(org.apache.spark.api.java.JavaSparkContext, Corpus, Tokenizer, Vocabulary,
   * double, int)} read and count it with Spark: the same listing and its errors, each file read whole by
   * {@link CorpusInputFormat}'s reader (encoding, compression, repaired bytes, cut lines, binary files), the
   * same counting of lines, and the same verdict on unreadable and binary files ({@link ReadIssues}) and
   * warnings about damage ({@link DamageReport}). Every line goes to the training side.
   *
   * @return one row block over all {@code V} rows; its {@link RowBlock#stats()} are the corpus counters
   */
  public static RowBlock read(Configuration hadoop, String path, Tokenizer tokenizer, Vocabulary vocab,
      ReadSettings settings) {
    CorpusReader.Listing listing = CorpusReader.list(hadoop, List.of(path));
    JobConf job = new JobConf(hadoop);
    settings.writeTo(job);
    PairCounter counter = new PairCounter(vocab);
    List<ReadIssue> issues = new ArrayList<>();
    for (FileStatus file : listing.statuses()) {
      CorpusInputFormat.Reader reader = new CorpusInputFormat.Reader(
          new FileSplit(file.getPath(), 0, file.getLen(), (String[]) null), job, settings);
      try {
        DataPass.countRecords(records(reader), tokenizer, vocab, 0L, counter,
            report -> ReadIssues.add(issues::add, report));
      } finally {
        try {
          reader.close();
        } catch (IOException e) {
          // The reader has read what it could and reported what failed; closing it changes no count.
        }
      }
    }
    ReadIssues readIssues = new ReadIssues(settings);
    readIssues.check(issues);
    DamageReport.log(counter.stats, tokenizer.settings().maxTokenLength(), readIssues.damagedFiles());
    return counter.toBlock(new RowBlocks(vocab.size(), 1));
  }

  /** The records of one split's reader: its lines, then its report. */
  private static Iterator<CorpusRecord> records(CorpusInputFormat.Reader reader) {
    LongWritable key = reader.createKey();
    CorpusInputFormat.Holder value = reader.createValue();
    return new Iterator<>() {
      private boolean ready;
      private boolean more;

      @Override
      public boolean hasNext() {
        if (!ready) {
          more = reader.next(key, value);
          ready = true;
        }
        return more;
      }

      @Override
      public CorpusRecord next() {
        if (!hasNext()) throw new NoSuchElementException();
        ready = false;
        return value.record();
      }
    };
  }
}
