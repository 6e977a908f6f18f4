package dev.bigram.data;

import dev.bigram.config.ReadSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.JobConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the lines of a corpus from Hadoop paths and globs (local, hdfs://, s3a://; .gz and .bz2 decompressed;
 * directories recursively; names starting with '_' or '.' ignored, as Hadoop does).
 *
 * <ol>
 *   <li>On the driver, every path is listed first: a path that matches no file, an empty directory, or a corpus
 *       of empty files is a one-line {@link InputException} before any job starts.</li>
 *   <li>The files are read by {@link CorpusInputFormat}: bounded lines, damaged bytes repaired and counted,
 *       binary files skipped, unreadable files reported (see {@link ReadIssues}).</li>
 *   <li>A large file is split as Spark's file sources split it ({@link #splitBytes}).</li>
 *   <li>Thousands of small files would make thousands of tasks (and as many shuffle partitions in the word
 *       count): the splits are coalesced to about {@link #TARGET_SPLIT_BYTES} each, and to no fewer than two
 *       per core.</li>
 * </ol>
 */
public final class CorpusReader {
  private static final Logger LOG = LoggerFactory.getLogger(CorpusReader.class);
  /** Bytes per task the coalescing aims at: the split size of Spark's file sources. */
  static final long TARGET_SPLIT_BYTES = 128L << 20;

  private CorpusReader() {}

  /** What the input paths hold, from the driver's listing: every file, in order. */
  public record Listing(List<FileStatus> statuses, long bytes) {
    public long files() {
      return statuses.size();
    }
  }

  /**
   * Checks on the driver that every path or glob matches at least one file, so that a typo is a one-line
   * error before any job starts rather than a failure deep in a task.
   */
  public static void checkPaths(Configuration hadoop, List<String> paths) {
    list(hadoop, paths);
  }

  /** Lists the files of {@code paths}; throws {@link InputException} when a path yields none or all are empty. */
  public static Listing list(Configuration hadoop, List<String> paths) {
    if (paths.isEmpty()) {
      throw new InputException("no input: pass --input PATH (or set input.paths in the configuration)");
    }
    List<FileStatus> all = new ArrayList<>();
    long bytes = 0;
    for (String p : paths) {
      Path path = new Path(p);
      try {
        FileSystem fs = path.getFileSystem(hadoop);
        FileStatus[] matches = fs.globStatus(path, CorpusInputFormat.VISIBLE);
        if (matches == null || matches.length == 0) {
          throw new InputException("input " + p + " matches no file: check the path or glob (names starting"
              + " with '_' or '.' are not read)");
        }
        int before = all.size();
        for (FileStatus m : matches) CorpusInputFormat.visibleFiles(fs, m, all::add);
        if (all.size() == before) {
          throw new InputException("input " + p + " is an empty directory (no file in it or below it, names"
              + " starting with '_' or '.' aside): check the path");
        }
      } catch (IOException e) {
        throw new InputException("input " + p + " cannot be read (" + e.getMessage() + "): check the path and"
            + " its permissions", e);
      }
    }
    for (FileStatus f : all) bytes += f.getLen();
    if (bytes == 0) {
      throw new InputException("input " + String.join(",", paths) + " has only empty files (" + all.size()
          + " file" + (all.size() == 1 ? "" : "s") + ", 0 bytes): pass a corpus of text, one sentence per line");
    }
    return new Listing(List.copyOf(all), bytes);
  }

  /** Opens the corpus under {@code paths}: lists it, then sets up the (lazy) read. */
  public static Corpus open(JavaSparkContext jsc, List<String> paths, ReadSettings settings) {
    Listing listing = list(jsc.hadoopConfiguration(), paths);
    JobConf job = new JobConf(jsc.hadoopConfiguration());
    // Paths are set one by one, so a comma inside a glob such as {a,b} is not taken as a separator.
    FileInputFormat.setInputPaths(job, paths.stream().map(Path::new).toArray(Path[]::new));
    job.setBoolean(FileInputFormat.INPUT_DIR_RECURSIVE, true);
    settings.writeTo(job);
    long splitBytes = splitBytes(listing.bytes(), jsc.defaultParallelism());
    job.setLong(org.apache.hadoop.mapreduce.lib.input.FileInputFormat.SPLIT_MINSIZE, splitBytes);
    int minSplits = (int) Math.min(Integer.MAX_VALUE, Math.max(1L, listing.bytes() / splitBytes));
    // The splits are computed below, once (the RDD keeps them), from this listing rather than a second one;
    // the key goes into the job before the RDD takes its copy of it.
    String listingKey = CorpusInputFormat.remember(listing.statuses().toArray(new FileStatus[0]));
    job.set(CorpusInputFormat.LISTING_KEY, listingKey);
    JavaRDD<CorpusRecord> records;
    int splits;
    try {
      records = jsc
          .hadoopRDD(job, CorpusInputFormat.class, LongWritable.class, CorpusInputFormat.Holder.class, minSplits)
          .map(kv -> kv._2().record());
      splits = records.getNumPartitions();
    } catch (Exception e) { // Hadoop's IOException arrives undeclared through Scala
      throw new InputException("input " + String.join(",", paths) + " cannot be listed (" + e.getMessage() + ")",
          e);
    } finally {
      CorpusInputFormat.forget(listingKey);
    }
    int target = targetPartitions(listing.bytes(), jsc.defaultParallelism());
    if (splits > target) {
      LOG.info("Input: {} files in {} splits, coalesced to {} partitions", listing.files(), splits, target);
      records = records.coalesce(target);
    }
    return new Corpus(records, new ReadIssues(jsc, settings));
  }

  /**
   * The size of a split of a large file, as Spark's file sources choose it: the input shared evenly by the cores,
   * but no more than {@link #TARGET_SPLIT_BYTES} and no less than 4 MB. Hadoop's own choice (the 32 MB block of
   * the local file system) would make 100 MB three tasks for two cores, one of them running alone.
   */
  static long splitBytes(long bytes, int parallelism) {
    return Math.min(TARGET_SPLIT_BYTES, Math.max(4L << 20, bytes / Math.max(1, parallelism)));
  }

  /** About {@link #TARGET_SPLIT_BYTES} per partition, and at least two partitions per core. */
  static int targetPartitions(long bytes, int parallelism) {
    long bySize = (bytes + TARGET_SPLIT_BYTES - 1) / TARGET_SPLIT_BYTES;
    return (int) Math.min(Integer.MAX_VALUE, Math.max(2L * parallelism, bySize));
  }

  /** The lines of every file under {@code paths}, read with the default {@link ReadSettings}. */
  public static JavaRDD<String> lines(JavaSparkContext jsc, List<String> paths) {
    return open(jsc, paths, ReadSettings.defaults()).lines();
  }
}
