package dev.bigram.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.config.ReadSettings;
import dev.bigram.config.TokenizerSettings;
import dev.bigram.testing.FaultyFileSystem;
import dev.bigram.testing.LogCapture;
import dev.bigram.testing.SparkTestBase;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.BZip2Codec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged corpora through the whole data pass: the job goes on with what is text, and counts what it repaired,
 * cut or skipped; what cannot be read is one clear input error naming the file.
 */
class DamagedCorpusTest extends SparkTestBase {
  @TempDir
  Path dir;

  static final List<String> GOOD = List.of("the cat sat on the mat", "the dog sat on the rug",
      "a cat and a dog", "the mat and the rug");

  @BeforeAll
  static void registerFaultyFileSystem() {
    FaultyFileSystem.register(jsc.hadoopConfiguration());
  }

  Path write(String name, List<String> lines) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, lines, StandardCharsets.UTF_8);
    return p;
  }

  static TrainingData pass(List<String> inputs, ReadSettings settings) {
    return DataPass.run(jsc, inputs, TokenizerSettings.defaults(), 50, 1, 0.0, 2, settings);
  }

  static TrainingData pass(Path input) {
    return pass(List.of(input.toString()), ReadSettings.defaults());
  }

  /** Training bigrams of lines, counted by plain loops. */
  static long bigrams(List<String> lines) {
    Tokenizer t = new Tokenizer(TokenizerSettings.defaults());
    return lines.stream().mapToLong(l -> Math.max(0, t.tokens(l).size() - 1)).sum();
  }

  @Test
  void invalidUtf8AndControlBytesAreRepairedCountedAndTheRestIsUsed() throws IOException {
    Path file = dir.resolve("damaged.txt");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(String.join("\n", GOOD).getBytes(StandardCharsets.UTF_8));
      out.write('\n');
      out.write(new byte[] {'t', 'h', 'e', 0, 'c', 'a', 't', (byte) 0xFF, (byte) 0xFE, 's', 'a', 't', 7, '\n'});
    }
    // input.encoding = utf-8: with auto, ASCII plus 0xFF 0xFE reads cleanly as Windows-1252 ("ÿþ"), and the file
    // would be read as that (aWindows1252FileIsReadAsSuchAndOnlyInAutoMode).
    TrainingData data = pass(List.of(file.toString()), new ReadSettings(ReadSettings.DEFAULT_MAX_LINE_BYTES,
        ReadSettings.DEFAULT_BINARY_THRESHOLD, false, false));
    try {
      assertEquals(2, data.stat(CorpusStats.INVALID_BYTES));
      assertEquals(2, data.stat(CorpusStats.CONTROL_CHARS));
      assertEquals(5, data.stat(CorpusStats.LINES));
      assertEquals(bigrams(GOOD) + 2, data.trainBigrams(), "'the cat sat' still gives two bigrams");
    } finally {
      data.release();
    }
  }

  @Test
  void aMostlyBinaryFileIsSkippedWithAWarningThatNamesIt() throws IOException {
    write("corpus/text.txt", GOOD);
    byte[] binary = new byte[20_000];
    new Random(11).nextBytes(binary);
    Files.write(dir.resolve("corpus/photo.jpg"), binary);
    TrainingData data;
    try (LogCapture log = new LogCapture()) {
      data = pass(List.of(dir.resolve("corpus").toString()), ReadSettings.defaults());
      assertTrue(log.text().contains("WARN dev.bigram.data.ReadIssues: Skipped input file ")
          && log.text().contains("photo.jpg"), log.text());
      assertEquals(1, log.lines().stream().filter(l -> l.contains("photo.jpg")).count(), "warned once, not per pass");
    }
    try {
      assertEquals(1, data.stat(CorpusStats.BINARY_FILES));
      assertEquals(GOOD.size(), data.stat(CorpusStats.LINES));
      assertEquals(bigrams(GOOD), data.trainBigrams());
      assertEquals(0, data.stat(CorpusStats.INVALID_BYTES), "nothing of the skipped file was read");
    } finally {
      data.release();
    }
  }

  @Test
  void withOnBinaryFailABinaryFileIsAnInputErrorNamingIt() throws IOException {
    write("corpus/text.txt", GOOD);
    byte[] binary = new byte[20_000];
    new Random(12).nextBytes(binary);
    Files.write(dir.resolve("corpus/archive.zip"), binary);
    InputException e = assertThrows(InputException.class,
        () -> pass(List.of(dir.resolve("corpus").toString()), new ReadSettings(1 << 20, 0.3, true)));
    assertTrue(e.getMessage().startsWith("input file ") && e.getMessage().contains("archive.zip looks binary (")
        && e.getMessage().contains("input.on-binary = skip"), e.getMessage());
  }

  @Test
  void aLineOf100MegabytesIsCutToMaxLineLengthAndLongTokensAreDropped() throws IOException {
    Path file = dir.resolve("one-huge-line.txt");
    long huge = 100L << 20;
    byte[] phrase = "lorem ipsum ".getBytes(StandardCharsets.US_ASCII);
    try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      out.write(String.join("\n", GOOD).getBytes(StandardCharsets.UTF_8));
      out.write('\n');
      for (long written = 0; written < huge; written += phrase.length) out.write(phrase);
      out.write('\n');
      out.write(("the " + "z".repeat(500) + " cat\n").getBytes(StandardCharsets.UTF_8));
    }
    int limit = 1 << 20;
    TrainingData data = pass(List.of(file.toString()), new ReadSettings(limit, 0.3, false));
    try {
      assertEquals(1, data.stat(CorpusStats.TRUNCATED_LINES));
      long lineBytes = (huge + phrase.length - 1) / phrase.length * phrase.length;
      assertEquals(lineBytes - limit, data.stat(CorpusStats.TRUNCATED_BYTES));
      assertEquals(1, data.stat(CorpusStats.LONG_TOKENS), "the 500-letter token");
      assertEquals(GOOD.size() + 2, data.stat(CorpusStats.LINES));
      // The kept megabyte is 'lorem ipsum ' repeated (two words per phrase), cut mid-word at the end.
      long keptWords = 2L * (limit / phrase.length) + (limit % phrase.length > 0 ? 1 : 0);
      assertEquals(bigrams(GOOD) + (keptWords - 1) + 1, data.trainBigrams(), "'the cat' pairs across the drop");
    } finally {
      data.release();
      Files.delete(file);
    }
  }

  @Test
  void gzipAndBzip2FilesAreRead() throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("a.txt.gz")))) {
      out.write((String.join("\n", GOOD) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    BZip2Codec bzip2 = new BZip2Codec();
    bzip2.setConf(new Configuration());
    try (OutputStream out = bzip2.createOutputStream(Files.newOutputStream(dir.resolve("b.txt.bz2")))) {
      out.write((String.join("\n", GOOD) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    TrainingData data = pass(List.of(dir.resolve("*.gz").toString(), dir.resolve("*.bz2").toString()),
        ReadSettings.defaults());
    try {
      assertEquals(2L * GOOD.size(), data.stat(CorpusStats.LINES));
      assertEquals(2 * bigrams(GOOD), data.trainBigrams());
      assertEquals(0, data.stat(CorpusStats.INVALID_BYTES));
    } finally {
      data.release();
    }
  }

  @Test
  void aTruncatedGzipIsAnInputErrorNamingTheFile() throws IOException {
    Path full = dir.resolve("full.gz");
    Random random = new Random(5);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(full))) {
      for (int i = 0; i < 20_000; i++) out.write(("the cat " + random.nextInt() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    byte[] bytes = Files.readAllBytes(full);
    Files.delete(full);
    Path truncated = dir.resolve("part-0007.txt.gz");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
    write("good.txt", GOOD);
    InputException e = assertThrows(InputException.class,
        () -> pass(List.of(dir.toString()), ReadSettings.defaults()));
    assertTrue(e.getMessage().startsWith("input file ") && e.getMessage().contains("part-0007.txt.gz cannot be read"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Unexpected end of input stream") && e.getMessage().contains("truncated"),
        e.getMessage());
  }

  @Test
  void aFileWithoutReadPermissionIsAnInputErrorNamingTheFile() throws IOException {
    write("in/good.txt", GOOD);
    write("in/unreadable-part.txt", GOOD);
    InputException e = assertThrows(InputException.class,
        () -> pass(List.of(FaultyFileSystem.uri(dir.resolve("in"))), ReadSettings.defaults()));
    assertTrue(e.getMessage().contains("unreadable-part.txt cannot be read (AccessControlException: Permission"
        + " denied"), e.getMessage());
  }

  @Test
  void thousandsOfSmallFilesAreReadByAFewTasks() throws IOException {
    Path many = dir.resolve("many");
    Files.createDirectories(many);
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      String line = GOOD.get(i % GOOD.size()) + " " + i;
      all.add(line);
      Files.writeString(many.resolve(String.format("part-%05d.txt", i)), line + "\n", StandardCharsets.UTF_8);
    }
    Corpus corpus = CorpusReader.open(jsc, List.of(many.toString()), ReadSettings.defaults());
    assertEquals(2 * jsc.defaultParallelism(), corpus.records().getNumPartitions(), "2000 files, coalesced");
    TrainingData data = pass(many);
    try {
      assertEquals(2000, data.stat(CorpusStats.LINES));
      assertEquals(bigrams(all), data.trainBigrams());
      assertEquals(2, data.blocks().getNumPartitions(), "the bigram blocks keep train.partitions");
    } finally {
      data.release();
    }
  }

  @Test
  void directoriesAreReadRecursivelyAndHiddenFilesAreNot() throws IOException {
    write("tree/a.txt", GOOD.subList(0, 2));
    write("tree/sub/deeper/b.txt", GOOD.subList(2, 4));
    write("tree/_SUCCESS", List.of("not corpus text at all"));
    write("tree/.b.txt.crc", List.of("not corpus text either"));
    TrainingData data = pass(dir.resolve("tree"));
    try {
      assertEquals(GOOD.size(), data.stat(CorpusStats.LINES));
      assertEquals(bigrams(GOOD), data.trainBigrams());
    } finally {
      data.release();
    }
  }

  @Test
  void aVocabularySizeLargerThanTheWordsSeenIsAWarningNotAnError() throws IOException {
    Path file = write("small.txt", GOOD);
    TrainingData data;
    try (LogCapture log = new LogCapture()) {
      data = DataPass.run(jsc, List.of(file.toString()), TokenizerSettings.defaults(), 5000, 1, 0.0, 2,
          ReadSettings.defaults());
      assertTrue(log.text().contains("WARN dev.bigram.data.DataPass: vocab.size = 5000 but only 9 words occur at"
          + " least vocab.min-count = 1 times: V = 10"), log.text());
    }
    try {
      assertEquals(10, data.vocab().size());
    } finally {
      data.release();
    }
  }

  @Test
  void aWindows1252FileIsReadAsSuchAndOnlyInAutoMode() throws IOException {
    Path file = dir.resolve("latin1.txt");
    Files.write(file, String.join("\n", List.of("the café is naïve", "the café is open", "a naïve café")).concat("\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    TrainingData auto = pass(file);
    try {
      assertEquals(0, auto.stat(CorpusStats.INVALID_BYTES));
      assertTrue(auto.vocab().contains("café") && auto.vocab().contains("naïve"), "whole words");
    } finally {
      auto.release();
    }
    TrainingData utf8 = pass(List.of(file.toString()), new ReadSettings(ReadSettings.DEFAULT_MAX_LINE_BYTES,
        ReadSettings.DEFAULT_BINARY_THRESHOLD, false, false));
    try {
      assertEquals(5, utf8.stat(CorpusStats.INVALID_BYTES), "read as UTF-8, each of the five é and ï is a bad byte");
    } finally {
      utf8.release();
    }
  }

  @Test
  void utf8WithBytesThatWindows1252LeavesUndefinedStaysUtf8AndIsRepaired() throws IOException {
    Path file = dir.resolve("stray.txt");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write("the cat sat on the mat\n".getBytes(StandardCharsets.UTF_8));
      out.write(new byte[] {'t', 'h', 'e', ' ', (byte) 0x81, ' ', 'd', 'o', 'g', '\n'});
    }
    TrainingData data = pass(file);
    try {
      assertEquals(1, data.stat(CorpusStats.INVALID_BYTES), "0x81 is undefined in Windows-1252: still UTF-8");
    } finally {
      data.release();
    }
  }
}
