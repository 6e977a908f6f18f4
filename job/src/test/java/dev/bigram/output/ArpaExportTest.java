package dev.bigram.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.config.TrainerConfig;
import dev.bigram.data.CountRows;
import dev.bigram.data.LocalBigrams;
import dev.bigram.data.RowBlock;
import dev.bigram.data.Tokenizer;
import dev.bigram.data.Vocabulary;
import dev.bigram.job.TrainJob;
import dev.bigram.testing.SparkTestBase;
import edu.berkeley.nlp.lm.ArrayEncodedProbBackoffLm;
import edu.berkeley.nlp.lm.io.LmReaders;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ARPA export read back by a real LM toolkit (BerkeleyLM): the sparse model's export gives every held-out
 * bigram the model's own log-probability, the dense model's top-K export gives the perplexity it reports, and
 * a model without sentence markers still has the {@code <s>} and {@code </s>} that readers require.
 */
class ArpaExportTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static Path sparseRun;
  static Path denseRun;
  static Path heldOut;

  @BeforeAll
  static void trainBothModels() throws IOException {
    Path corpus = projectRoot().resolve("sample-data/kjv-excerpt.txt");
    List<String> lines = Files.readAllLines(corpus, StandardCharsets.UTF_8);
    Path train = dir.resolve("train.txt");
    heldOut = dir.resolve("held-out.txt");
    // Every tenth line is held out: text the models never saw, with pairs they never saw.
    Files.write(train, IntStream.range(0, lines.size()).filter(i -> i % 10 != 0).mapToObj(lines::get).toList());
    Files.write(heldOut, IntStream.range(0, lines.size()).filter(i -> i % 10 == 0).mapToObj(lines::get).toList());
    sparseRun = train(train, "sparse", "model.weights=sparse", "tokenizer.sentence-markers=true");
    denseRun = train(train, "dense", "model.weights=dense");
  }

  static Path train(Path corpus, String runId, String... sets) {
    List<String> all = new ArrayList<>(List.of("input.paths=[\"" + corpus + "\"]", "output.dir=" + dir.resolve("runs"),
        "vocab.size=400", "train.max-epochs=30", "train.l2=0.0001"));
    all.addAll(List.of(sets));
    return Path.of(TrainJob.run(spark, TrainerConfig.load(null, all), new TrainJob.RunOptions(runId, false))
        .runDir().toUri());
  }

  static PublishedRun open(Path run) {
    return PublishedRun.open(jsc.hadoopConfiguration(), run.toString());
  }

  static RowBlock heldOutCounts(PublishedRun run) {
    return LocalBigrams.read(jsc.hadoopConfiguration(), heldOut.toString(), new Tokenizer(run.tokenizer()),
        run.vocabulary(), dev.bigram.config.ReadSettings.defaults());
  }

  static ArpaExport.Report export(PublishedRun run, Path file, int top) throws IOException {
    return ArpaExport.write(run, jsc.hadoopConfiguration(), new org.apache.hadoop.fs.Path(file.toUri()), top,
        heldOutCounts(run));
  }

  static ArrayEncodedProbBackoffLm<String> berkeley(Path file) {
    return LmReaders.readArrayEncodedLmFromArpa(file.toString(), false);
  }

  @Test
  void berkeleyLmReadsTheSparseExportWithEveryHeldOutBigramAtTheModelsLogProbability() throws IOException {
    PublishedRun run = open(sparseRun);
    assertTrue(run.isSparse());
    Path file = dir.resolve("sparse.arpa.gz");
    ArpaExport.Report report = export(run, file, 1);
    assertTrue(report.exact());
    assertEquals(((Number) run.summary().get("model_pairs")).longValue(), report.bigrams());
    ArrayEncodedProbBackoffLm<String> lm = berkeley(file);
    Vocabulary vocab = run.vocabulary();
    CountRows held = heldOutCounts(run).train();
    List<Integer> contexts = new ArrayList<>();
    for (int r = 0; r < held.numRows(); r++) contexts.add(held.row(r));
    Map<Integer, double[]> p = run.probabilities(contexts);
    Map<Integer, int[]> seenNext = new java.util.HashMap<>();
    try (ParquetTables.ModelFiles files = ParquetTables.ModelFiles.open(jsc.hadoopConfiguration(), run.dir())) {
      files.forEachRow(new java.util.HashSet<>(contexts),
          (id, weights, next, n) -> seenNext.put(id, java.util.Arrays.copyOf(next, n)));
    }
    int unseen = 0;
    int checked = 0;
    for (int r = 0; r < held.numRows(); r++) {
      int i = held.row(r);
      for (int q = held.pairStart(r); q < held.pairEnd(r); q++) {
        int j = held.nextId(q);
        double want = Math.log10(p.get(i)[j]);
        double got = lm.getLogProb(List.of(vocab.word(i), vocab.word(j)));
        assertEquals(want, got, 1e-4, "log10 p(" + vocab.word(j) + " | " + vocab.word(i) + ")");
        checked++;
        if (java.util.Arrays.binarySearch(seenNext.get(i), j) < 0) unseen++;
      }
    }
    assertTrue(checked > 1000, "held-out bigrams checked: " + checked);
    assertTrue(unseen > 100, "the held-out text has pairs the model never saw: " + unseen);
    // The markers' events are among them: <s> before a first word, a last word before </s>.
    assertTrue(held.numRows() > 0 && contexts.contains(vocab.bosId()));
    assertEquals(report.modelPerplexity(), report.exportPerplexity(), 1e-4 * report.modelPerplexity());
  }

  @Test
  void berkeleyLmScoresTheDenseTopKExportAtThePerplexityTheExportReports() throws IOException {
    PublishedRun run = open(denseRun);
    assertFalse(run.isSparse());
    Path file = dir.resolve("dense.arpa");
    ArpaExport.Report report = export(run, file, 20);
    assertEquals(20L * run.vocabulary().size(), report.bigrams());
    ArrayEncodedProbBackoffLm<String> lm = berkeley(file);
    Vocabulary vocab = run.vocabulary();
    CountRows held = heldOutCounts(run).train();
    double sum = 0;
    long n = 0;
    for (int r = 0; r < held.numRows(); r++) {
      for (int q = held.pairStart(r); q < held.pairEnd(r); q++) {
        sum += held.pairCount(q) * lm.getLogProb(List.of(vocab.word(held.row(r)), vocab.word(held.nextId(q))));
        n += held.pairCount(q);
      }
    }
    double perplexity = Math.pow(10, -sum / n);
    assertEquals(report.exportPerplexity(), perplexity, 1e-3 * perplexity);
    assertTrue(report.exportPerplexity() > report.modelPerplexity(), "the cut costs something: " + report);
    // Each context still sums to one under the reader: its top 20 and alpha times the back-off distribution.
    for (int i : List.of(0, 3, 50)) {
      double total = 0;
      for (int j = 0; j < vocab.size(); j++) total += Math.pow(10, lm.getLogProb(List.of(vocab.word(i), vocab.word(j))));
      assertEquals(1.0, total, 1e-4, "p(. | " + vocab.word(i) + ")");
    }
  }

  @Test
  void aModelWithoutSentenceMarkersExportsThemAsNeverPredicted() throws IOException {
    PublishedRun run = open(denseRun);
    assertFalse(run.vocabulary().sentenceMarkers());
    Path file = dir.resolve("no-markers.arpa");
    ArpaExport.Report report = export(run, file, 5);
    assertEquals(run.vocabulary().size() + 2L, report.unigrams());
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertTrue(lines.contains("-99.0000000\t<s>\t0.0000000"), "<s> is never predicted and backs off to q");
    assertTrue(lines.contains("-99.0000000\t</s>"), "</s> is never predicted");
    ArrayEncodedProbBackoffLm<String> lm = berkeley(file);
    assertEquals(-99.0, lm.getLogProb(List.of("<s>")), 1e-4);
    // A first word after <s> is scored by the back-off distribution: the unigram line of that word.
    String word = run.vocabulary().word(7);
    assertEquals(lm.getLogProb(List.of(word)), lm.getLogProb(List.of("<s>", word)), 1e-6);
  }

  @Test
  void theFileAppearsWholeOrNotAtAll() throws IOException {
    PublishedRun run = open(sparseRun);
    Path target = dir.resolve("missing-dir-is-a-file");
    Files.writeString(target, "not a directory");
    assertThrowsIo(() -> export(run, target.resolve("model.arpa"), 1));
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".tmp-")), "no temporary file is left");
    }
  }

  @Test
  void theExportCommandWritesTheFileAndPrintsBothPerplexitiesAsJson() throws IOException {
    Path file = dir.resolve("cli.arpa");
    dev.bigram.testing.CliRun run = dev.bigram.testing.CliRun.of(spark, "export", "--model", sparseRun.toString(),
        "--format", "arpa", "--output", file.toString(), "--input", heldOut.toString(), "--json").assertSuccess();
    com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(run.out());
    assertTrue(json.get("exact").asBoolean());
    assertTrue(json.get("held_out_bigrams").asLong() > 1000, run.out());
    assertEquals(json.get("model_perplexity").asDouble(), json.get("export_perplexity").asDouble(),
        1e-4 * json.get("model_perplexity").asDouble());
    assertTrue(Files.readString(file, StandardCharsets.UTF_8).endsWith("\\end\\\n"));
  }

  @Test
  void anUnknownFormatIsABadConfigurationAndWritesNothing() {
    Path file = dir.resolve("never.txt");
    dev.bigram.testing.CliRun.of(spark, "export", "--model", sparseRun.toString(), "--format", "srilm-binary",
        "--output", file.toString()).assertOneLineError(dev.bigram.cli.ExitCode.BAD_CONFIGURATION,
        "--format srilm-binary is not known: use --format arpa");
    assertFalse(Files.exists(file));
  }

  @Test
  void aMissingModelIsBadInputNamingThePathAndTheLatestFile() {
    Path missing = dir.resolve("no-such-run");
    dev.bigram.testing.CliRun.of(spark, "export", "--model", missing.toString(), "--output",
        dir.resolve("never.arpa").toString()).assertOneLineError(dev.bigram.cli.ExitCode.BAD_INPUT,
        "model " + missing + " does not exist: pass a run directory (or an output directory with LATEST)");
  }

  private static void assertThrowsIo(org.junit.jupiter.api.function.Executable e) {
    Throwable t = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, e);
    assertTrue(t instanceof IOException || t.getCause() instanceof IOException, t.toString());
  }
}
