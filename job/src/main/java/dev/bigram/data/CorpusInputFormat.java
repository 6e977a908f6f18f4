package dev.bigram.data;

import dev.bigram.config.ReadSettings;
import dev.bigram.data.CorpusRecord.ReadReport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathFilter;
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

  /** Hadoop's input filter: files and directories whose names start with '_' or '.' are not input. */
  static final PathFilter VISIBLE = p -> !p.getName().startsWith("_") && !p.getName().startsWith(".");

  private CompressionCodecFactory codecs;

  /** The job setting that names a listing the driver has made already ({@link #remember}). */
  static final String LISTING_KEY = "bigram.input.listing";
  /** Listings made on the driver, by key: the splits are computed from them instead of listing the input again. */
  private static final Map<String, FileStatus[]> LISTED = new ConcurrentHashMap<>();

  /** Keeps the driver's listing of the input for {@link #listStatus}; returns the key to set as {@link #LISTING_KEY}. */
  static String remember(FileStatus[] files) {
    String key = UUID.randomUUID().toString();
    LISTED.put(key, files.clone());
    return key;
  }

  /** Drops a listing once the splits are computed. */
  static void forget(String key) {
    LISTED.remove(key);
  }

  @Override
  protected boolean isSplitable(FileSystem fs, Path file) {
    if (codecs == null) codecs = new CompressionCodecFactory(fs.getConf());
    return codecs.getCodec(file) == null;
  }

  /**
   * The files of the input paths, directories read recursively, hidden names skipped. Unlike Hadoop's own
   * listing, this one never asks a local file for its permissions, which without Hadoop's native library costs
   * a process per file (minutes for a few thousand small files).
   */
  @Override
  protected FileStatus[] listStatus(JobConf job) throws IOException {
    String key = job.get(LISTING_KEY);
    FileStatus[] listed = key == null ? null : LISTED.get(key);
    if (listed != null) return listed.clone();
    List<FileStatus> files = new ArrayList<>();
    for (Path p : getInputPaths(job)) {
      FileSystem fs = p.getFileSystem(job);
      FileStatus[] matches = fs.globStatus(p, VISIBLE);
      if (matches == null) continue;
      for (FileStatus m : matches) visibleFiles(fs, m, files::add);
    }
    return files.toArray(new FileStatus[0]);
  }

  /** Calls {@code sink} with every file at or below {@code root}, skipping hidden names. */
  static void visibleFiles(FileSystem fs, FileStatus root, Consumer<FileStatus> sink) throws IOException {
    Deque<FileStatus> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      FileStatus s = todo.pop();
      if (s.isDirectory()) {
        FileStatus[] children = fs.listStatus(s.getPath(), VISIBLE);
        for (int i = children.length - 1; i >= 0; i--) todo.push(children[i]);
      } else {
        sink.accept(s);
      }
    }
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
    /** Notes for the driver that are not problems: the file read as Windows-1252, bytes repaired. */
    private final List<ReadIssue> notes = new java.util.ArrayList<>();

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
        if (stats[CorpusStats.INVALID_BYTES.ordinal()] + stats[CorpusStats.CONTROL_CHARS.ordinal()] > 0) {
          notes.add(new ReadIssue(split.getPath().toString(), ReadIssue.Kind.DAMAGED, "bytes repaired"));
        }
        value.record = CorpusRecord.ofReport(new ReadReport(stats.clone(), issue, List.copyOf(notes)));
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
      boolean windows1252 = settings.autoEncoding() && TextRepair.readsAsWindows1252(head, head.length, whole);
      if (windows1252) {
        if (compressed || start == 0) {
          notes.add(new ReadIssue(path.toString(), ReadIssue.Kind.WINDOWS_1252,
              "its first bytes are not UTF-8 but read cleanly as Windows-1252"));
        }
        lines = new BoundedLineReader(in, settings.maxLineBytes(), stats, true);
        if (!compressed && start != 0) lines.skipLine();
        return;
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
