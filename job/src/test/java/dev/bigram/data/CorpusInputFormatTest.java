package dev.bigram.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.config.ReadSettings;
import dev.bigram.data.CorpusRecord.ReadReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.InputSplit;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.RecordReader;
import org.apache.hadoop.mapred.Reporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The input format without Spark: splits, reports, binary and unreadable files. */
class CorpusInputFormatTest {
  @TempDir
  Path dir;

  /** Every record of every split of {@code file}, in order. */
  static List<CorpusRecord> read(Path file, int numSplits, ReadSettings settings) throws IOException {
    JobConf job = new JobConf();
    FileInputFormat.setInputPaths(job, new org.apache.hadoop.fs.Path(file.toUri()));
    settings.writeTo(job);
    CorpusInputFormat format = new CorpusInputFormat();
    List<CorpusRecord> out = new ArrayList<>();
    InputSplit[] splits = format.getSplits(job, numSplits);
    for (InputSplit split : splits) {
      RecordReader<LongWritable, CorpusInputFormat.Holder> r = format.getRecordReader(split, job, Reporter.NULL);
      LongWritable key = r.createKey();
      CorpusInputFormat.Holder value = r.createValue();
      while (r.next(key, value)) out.add(value.record());
      r.close();
    }
    return out;
  }

  static List<String> lines(List<CorpusRecord> records) {
    return records.stream().filter(CorpusRecord::isLine).map(CorpusRecord::line).toList();
  }

  static List<ReadReport> reports(List<CorpusRecord> records) {
    return records.stream().filter(r -> !r.isLine()).map(CorpusRecord::report).toList();
  }

  static long sum(List<ReadReport> reports, CorpusStats s) {
    return reports.stream().mapToLong(r -> r.stats()[s.ordinal()]).sum();
  }

  @Test
  void anySplittingReadsEveryLineExactlyOnce() throws IOException {
    Random random = new Random(3);
    List<String> expected = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      String line = "line " + i + " caf\u00e9 " + "x".repeat(random.nextInt(200)) + (i % 97 == 0 ? "" : " end");
      expected.add(line);
      text.append(line).append(i % 3 == 0 ? "\r\n" : "\n");
    }
    Path file = dir.resolve("big.txt");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    for (int numSplits : new int[] {1, 7, 50, 333}) {
      List<CorpusRecord> records = read(file, numSplits, ReadSettings.defaults());
      assertEquals(expected, lines(records), numSplits + " splits");
      assertTrue(reports(records).size() >= Math.min(numSplits, 2), "one report per split");
      assertTrue(reports(records).stream().allMatch(r -> r.issue() == null));
    }
  }

  @Test
  void aLongLineIsCutOnceEvenWhenItSpansSplits() throws IOException {
    Path file = dir.resolve("long.txt");
    String longLine = "word ".repeat(40_000); // 200,000 bytes
    Files.writeString(file, "first line\n" + longLine + "\nlast line\n", StandardCharsets.UTF_8);
    List<CorpusRecord> records = read(file, 20, new ReadSettings(1000, 0.3, false));
    List<String> lines = lines(records);
    assertEquals(3, lines.size());
    assertEquals(longLine.substring(0, 1000), lines.get(1));
    assertEquals(1, sum(reports(records), CorpusStats.TRUNCATED_LINES));
    assertEquals(longLine.length() - 1000, sum(reports(records), CorpusStats.TRUNCATED_BYTES));
  }

  @Test
  void aBinaryFileYieldsNoLineAndOneReportThatNamesIt() throws IOException {
    Path file = dir.resolve("image.png");
    byte[] bytes = new byte[100_000];
    new Random(1).nextBytes(bytes);
    Files.write(file, bytes);
    List<CorpusRecord> records = read(file, 4, ReadSettings.defaults());
    assertEquals(List.of(), lines(records));
    assertEquals(1, sum(reports(records), CorpusStats.BINARY_FILES), "counted once, by the first split");
    ReadIssue issue = reports(records).get(0).issue();
    assertEquals(ReadIssue.Kind.BINARY, issue.kind());
    assertTrue(issue.path().endsWith("image.png"), issue.path());
    assertTrue(issue.detail().matches("\\d+% of its first 65536 bytes are not UTF-8 text"), issue.detail());
  }

  @Test
  void aThresholdOfOneReadsEvenABinaryFile() throws IOException {
    Path file = dir.resolve("blob.bin");
    byte[] bytes = new byte[5000];
    new Random(1).nextBytes(bytes);
    Files.write(file, bytes);
    List<CorpusRecord> records = read(file, 1, new ReadSettings(1 << 20, 1.0, false));
    assertTrue(!lines(records).isEmpty());
    assertTrue(sum(reports(records), CorpusStats.INVALID_BYTES) > 1000);
    assertNull(reports(records).get(0).issue());
  }

  @Test
  void aTruncatedGzipReportsTheFileAsUnreadableAfterItsGoodLines() throws IOException {
    Path full = dir.resolve("full.gz");
    Random random = new Random(5);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(full))) {
      for (int i = 0; i < 20_000; i++) out.write(("line " + random.nextLong() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    byte[] bytes = Files.readAllBytes(full);
    Path truncated = dir.resolve("truncated.txt.gz");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    List<CorpusRecord> records = read(truncated, 3, ReadSettings.defaults());
    List<ReadReport> reports = reports(records);
    assertEquals(1, reports.size(), "a compressed file is one split");
    ReadIssue issue = reports.get(0).issue();
    assertEquals(ReadIssue.Kind.UNREADABLE, issue.kind());
    assertTrue(issue.path().endsWith("truncated.txt.gz"), issue.path());
    assertTrue(issue.detail().contains("EOFException"), issue.detail());
    assertTrue(lines(records).size() < 20_000);
  }
}
