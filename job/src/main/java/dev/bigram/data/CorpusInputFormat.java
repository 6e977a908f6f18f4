package dev.bigram.data;

import dev.bigram.data.CorpusRecord.ReadReport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.compress.CodecPool;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.compress.Decompressor;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.InputSplit;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.RecordReader;
import org.apache.hadoop.mapred.Reporter;

/**
 * Text input that never trusts the bytes: lines are cut to a bounded length and repaired
 * ({@link BoundedLineReader}), a file whose head is mostly binary is skipped, and a file that cannot be read to
 * the end (no permission, a truncated {@code .gz}) is reported rather than thrown. Each split yields its lines,
 * then one report ({@link CorpusRecord.ReadReport}).
 *
 * <p>Uncompressed files are split as {@code TextInputFormat} splits them (a split owns the lines that start in
 * it); compressed files ({@code .gz}, {@code .bz2}, ...) are read whole by one task.
 */
public final class CorpusInputFormat extends FileInputFormat<LongWritable, CorpusInputFormat.Holder> {

  /** The mutable value Hadoop's reader API fills in; the RDD maps it to the immutable record at once. */
  public static final class Holder {
    private CorpusRecord record;

    public CorpusRecord record() {
      return record;
    }
  }

  @Override
  protected boolean isSplitable(FileSystem fs, Path file) {
    return new CompressionCodecFactory(fs.getConf()).getCodec(file) == null;
  }

  @Override
  public RecordReader<LongWritable, Holder> getRecordReader(InputSplit split, JobConf job, Reporter reporter) {
    return new Reader((FileSplit) split, job, ReadSettings.readFrom(job));
  }

  /** Reads one split. Opens the file lazily, in {@link #next}, so that a failure to open is reported too. */
  static final class Reader implements RecordReader<LongWritable, Holder> {
    private enum State { UNOPENED, LINES, REPORT, DONE }

    private final FileSplit split;
    private final Configuration conf;
    private final ReadSettings settings;
    private final long start;
    private final long end;
    private final long[] stats = CorpusStats.empty();
    private State state = State.UNOPENED;
    private InputStream stream;
    private Decompressor decompressor;
    private BoundedLineReader lines;
    private boolean compressed;
    private ReadIssue issue;

    Reader(FileSplit split, Configuration conf, ReadSettings settings) {
      this.split = split;
      this.conf = conf;
      this.settings = settings;
      this.start = split.getStart();
      this.end = start + split.getLength();
    }

    @Override
    public boolean next(LongWritable key, Holder value) {
      if (state == State.UNOPENED) {
        try {
          open();
          state = issue == null ? State.LINES : State.REPORT;
        } catch (IOException | RuntimeException e) {
          unreadable(e);
        }
      }
      if (state == State.LINES) {
        try {
          long position = start + lines.consumed();
          String line = compressed || position <= end ? lines.readLine() : null;
          if (line != null) {
            key.set(position);
            value.record = CorpusRecord.ofLine(line);
            return true;
          }
          state = State.REPORT;
        } catch (IOException | RuntimeException e) {
          unreadable(e);
        }
      }
      if (state == State.REPORT) {
        key.set(-1L);
        value.record = CorpusRecord.ofReport(new ReadReport(stats.clone(), issue));
        state = State.DONE;
        return true;
      }
      return false;
    }

    private void unreadable(Exception e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName()
          : e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
      issue = new ReadIssue(split.getPath().toString(), ReadIssue.Kind.UNREADABLE, message);
      state = State.REPORT;
    }

    private void open() throws IOException {
      Path path = split.getPath();
      FileSystem fs = path.getFileSystem(conf);
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
      FSDataInputStream file = fs.open(path);
      stream = file;
      InputStream in;
      if (codec != null) {
        compressed = true;
        decompressor = CodecPool.getDecompressor(codec);
        in = codec.createInputStream(file, decompressor);
        stream = in;
      } else {
        in = file;
      }
      // Sniff the head of the file (not of this split), so that every split of a file decides the same way.
      byte[] head;
      boolean whole;
      if (compressed || start == 0) {
        head = in.readNBytes(ReadSettings.SNIFF_BYTES);
        whole = head.length < ReadSettings.SNIFF_BYTES;
        in = new SequenceInputStream(new ByteArrayInputStream(head), in);
      } else {
        try (FSDataInputStream h = fs.open(path)) {
          head = h.readNBytes(ReadSettings.SNIFF_BYTES);
        }
        whole = head.length < ReadSettings.SNIFF_BYTES;
        file.seek(start);
      }
      double share = new TextRepair().damagedShare(head, head.length, whole);
      if (share > settings.binaryThreshold()) {
        issue = new ReadIssue(path.toString(), ReadIssue.Kind.BINARY, String.format(Locale.ROOT,
            "%.0f%% of its first %d bytes are not UTF-8 text", share * 100, head.length));
        if (compressed || start == 0) stats[CorpusStats.BINARY_FILES.ordinal()]++;
        return;
      }
      lines = new BoundedLineReader(in, settings.maxLineBytes(), stats);
      if (!compressed && start != 0) {
        // The line that starts before this split, or exactly at its start, belongs to the previous split.
        lines.skipLine();
      }
    }

    private static String firstLine(String s) {
      int nl = s.indexOf('\n');
      return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public LongWritable createKey() {
      return new LongWritable();
    }

    @Override
    public Holder createValue() {
      return new Holder();
    }

    @Override
    public long getPos() {
      return lines == null ? start : start + lines.consumed();
    }

    @Override
    public float getProgress() {
      if (state == State.DONE) return 1f;
      if (compressed || end == start) return 0f;
      return Math.min(1f, (getPos() - start) / (float) (end - start));
    }

    @Override
    public void close() throws IOException {
      try {
        if (stream != null) stream.close();
      } finally {
        if (decompressor != null) {
          CodecPool.returnDecompressor(decompressor);
          decompressor = null;
        }
      }
    }
  }
}
