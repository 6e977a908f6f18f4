import dev.bigram.data.CorpusInputFormat;
import dev.bigram.data.CorpusRecord;
import dev.bigram.data.ReadSettings;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.InputSplit;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.RecordReader;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.mapred.TextInputFormat;

/**
 * Single-threaded read throughput of one corpus file: Hadoop's TextInputFormat + Text.toString() (what the job
 * used before issue 7) against CorpusInputFormat (bounded lines, repairs counted). Alternates the two, ROUNDS
 * times, and prints MB/s of each round.
 *
 *   python3 bench/gen_corpus.py --mb 200 --out /tmp/corpus.txt
 *   mvn -q -o -pl job dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 *   java -cp "$(cat /tmp/cp.txt):job/target/classes" bench/ReadThroughput.java /tmp/corpus.txt 5
 */
public class ReadThroughput {
  public static void main(String[] args) throws Exception {
    String file = args[0];
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    JobConf job = new JobConf();
    FileInputFormat.setInputPaths(job, new Path(file));
    ReadSettings.defaults();
    long bytes = new java.io.File(file).length();
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      long a = readText(job);
      double textSeconds = (System.nanoTime() - t0) / 1e9;
      t0 = System.nanoTime();
      long b = readCorpus(job);
      double corpusSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(java.util.Locale.ROOT, "round %d: TextInputFormat %.1f MB/s (%d chars), CorpusInputFormat %.1f MB/s (%d chars)%n",
          r + 1, bytes / 1e6 / textSeconds, a, bytes / 1e6 / corpusSeconds, b);
    }
  }

  static long readText(JobConf job) throws Exception {
    TextInputFormat f = new TextInputFormat();
    f.configure(job);
    long chars = 0;
    for (InputSplit s : f.getSplits(job, 1)) {
      RecordReader<LongWritable, Text> r = f.getRecordReader(s, job, Reporter.NULL);
      LongWritable k = r.createKey();
      Text v = r.createValue();
      while (r.next(k, v)) chars += v.toString().length();
      r.close();
    }
    return chars;
  }

  static long readCorpus(JobConf job) throws Exception {
    CorpusInputFormat f = new CorpusInputFormat();
    long chars = 0;
    for (InputSplit s : f.getSplits(job, 1)) {
      RecordReader<LongWritable, CorpusInputFormat.Holder> r = f.getRecordReader(s, job, Reporter.NULL);
      LongWritable k = r.createKey();
      CorpusInputFormat.Holder v = r.createValue();
      while (r.next(k, v)) {
        CorpusRecord rec = v.record();
        if (rec.isLine()) chars += rec.line().length();
      }
      r.close();
    }
    return chars;
  }
}
