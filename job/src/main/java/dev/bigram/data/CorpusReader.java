package dev.bigram.data;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/** Reads the lines of a corpus from Hadoop paths and globs (local, hdfs://, s3a://; .gz and .bz2 decompressed). */
public final class CorpusReader {
  private CorpusReader() {}

  /**
   * Checks on the driver that every path or glob matches at least one file, so that a typo is a one-line
   * error before any job starts rather than a failure deep in a task.
   */
  public static void checkPaths(Configuration hadoop, List<String> paths) {
    if (paths.isEmpty()) {
      throw new InputException("no input: pass --input PATH (or set input.paths in the configuration)");
    }
    for (String p : paths) {
      Path path = new Path(p);
      try {
        FileSystem fs = path.getFileSystem(hadoop);
        FileStatus[] matches = fs.globStatus(path);
        if (matches == null || matches.length == 0) {
          throw new InputException("input " + p + " matches no file: check the path or glob");
        }
      } catch (IOException e) {
        throw new InputException("input " + p + " cannot be read (" + e.getMessage() + "): check the path and"
            + " its permissions", e);
      }
    }
  }

  /** The lines of every file under {@code paths}. Bytes that are not valid UTF-8 become U+FFFD. */
  public static JavaRDD<String> lines(JavaSparkContext jsc, List<String> paths) {
    checkPaths(jsc.hadoopConfiguration(), paths);
    JobConf job = new JobConf(jsc.hadoopConfiguration());
    // Paths are set one by one, so a comma inside a glob such as {a,b} is not taken as a separator.
    FileInputFormat.setInputPaths(job, paths.stream().map(Path::new).toArray(Path[]::new));
    return jsc.hadoopRDD(job, TextInputFormat.class, LongWritable.class, Text.class)
        .map(record -> record._2().toString());
  }
}
