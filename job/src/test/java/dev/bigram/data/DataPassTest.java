package dev.bigram.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.config.TokenizerSettings;
import dev.bigram.testing.SparkTestBase;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data pass on a local SparkSession, against counts made by plain loops over the same lines. */
class DataPassTest extends SparkTestBase {
  @TempDir
  Path dir;

  static final List<String> LINES_A = List.of("The cat sat on the mat.", "the dog ran in the park",
      "", "the cat sat in the house", "A single", "!!!", "the dog sat on the mat");
  static final List<String> LINES_B = List.of("the cat ran in the park", "The Cat loves fish", "fish swim in water",
      "cats climb tall trees", "the bird sings songs");

  private List<String> writeCorpus() throws IOException {
    Files.write(dir.resolve("a.txt"), LINES_A, StandardCharsets.UTF_8);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("b.txt.gz")))) {
      out.write((String.join("\n", LINES_B) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return List.of(dir.resolve("a.txt").toString(), dir.resolve("*.gz").toString());
  }

  /**
   * What an executor's death does to the row blocks: their cached copies and the map outputs of their shuffle
   * are gone, and Spark recomputes them from lineage, which reads the vocabulary's broadcast again (a destroyed
   * broadcast failed the job; StandaloneClusterIT kills a real executor). The recomputed blocks are the same.
   */
  @Test
  void rowBlocksLostWithTheirShuffleOutputAreRecomputedTheSame() throws IOException {
    TrainingData data = DataPass.run(jsc, writeCorpus(), TokenizerSettings.defaults(), 9, 1, 0.3, 3);
    try {
      List<String> before = data.blocks().map(DataPassTest::describe).collect();
      org.apache.spark.rdd.RDD<?> rdd = data.blocks().rdd();
      int shuffles = 0;
      java.util.ArrayDeque<org.apache.spark.rdd.RDD<?>> todo = new java.util.ArrayDeque<>(List.of(rdd));
      while (!todo.isEmpty()) {
        for (org.apache.spark.Dependency<?> d : scala.jdk.javaapi.CollectionConverters.asJava(
            todo.pop().dependencies())) {
          if (d instanceof org.apache.spark.ShuffleDependency<?, ?, ?> shuffle) {
            ((org.apache.spark.MapOutputTrackerMaster) org.apache.spark.SparkEnv.get().mapOutputTracker())
                .unregisterAllMapAndMergeOutput(shuffle.shuffleId());
            shuffles++;
          }
          todo.push(d.rdd());
        }
      }
      assertEquals(1, shuffles, "the blocks come out of one shuffle");
      data.blocks().unpersist(true);
      assertEquals(before, data.blocks().map(DataPassTest::describe).collect());
    } finally {
      data.release();
    }
  }

  private static String describe(RowBlock b) {
    CountRows t = b.train();
    StringBuilder sb = new StringBuilder(b.index() + ":");
    for (int r = 0; r < t.numRows(); r++) {
      for (int k = t.pairStart(r); k < t.pairEnd(r); k++) {
        sb.append(' ').append(t.row(r)).append('>').append(t.nextId(k)).append('=').append(t.pairCount(k));
      }
    }
    return sb.toString();
  }

  @Test
  void countsEqualPlainLoopsOverTheLines() throws IOException {
    List<String> inputs = writeCorpus();
    double fraction = 0.3;
    int vocabSize = 9;
    TrainingData data = DataPass.run(jsc, inputs, TokenizerSettings.defaults(), vocabSize, 1, fraction, 3);
    try {
      Tokenizer tokenizer = new Tokenizer(TokenizerSettings.defaults());
      List<String> all = new ArrayList<>(LINES_A);
      all.addAll(LINES_B);
      Map<String, Long> wordCounts = new HashMap<>();
      long tokens = 0;
      for (String line : all) {
        for (String t : tokenizer.tokens(line)) {
          wordCounts.merge(t, 1L, Long::sum);
          tokens++;
        }
      }
      List<Vocabulary.WordCount> wc = new ArrayList<>();
      wordCounts.forEach((w, c) -> wc.add(new Vocabulary.WordCount(w, c)));
      Vocabulary expectedVocab = Vocabulary.build(wc, vocabSize, 1, false, 0, 0);
      Vocabulary vocab = data.vocab();
      assertEquals(expectedVocab.size(), vocab.size());
      for (int i = 1; i < vocab.size(); i++) assertEquals(expectedVocab.word(i), vocab.word(i), "id " + i);

      Map<String, Long> expectedTrain = new HashMap<>();
      Map<String, Long> expectedVal = new HashMap<>();
      long oov = 0;
      long threshold = DataPass.splitThreshold(fraction);
      for (String line : all) {
        List<String> t = tokenizer.tokens(line);
        for (String w : t) if (!vocab.contains(w)) oov++;
        boolean val = DataPass.lineHash(line) < threshold;
        for (int k = 1; k < t.size(); k++) {
          (val ? expectedVal : expectedTrain).merge(vocab.id(t.get(k - 1)) + ">" + vocab.id(t.get(k)), 1L, Long::sum);
        }
      }
      assertTrue(!expectedVal.isEmpty() && !expectedTrain.isEmpty(), "the split should put lines on both sides");
      Map<String, Long> train = new HashMap<>();
      Map<String, Long> val = new HashMap<>();
      List<RowBlock> blocks = data.blocks().collect();
      assertEquals(3, blocks.size());
      for (RowBlock b : blocks) {
        collect(b.train(), b, train);
        collect(b.validation(), b, val);
      }
      assertEquals(expectedTrain, train);
      assertEquals(expectedVal, val);
      assertEquals(all.size(), data.stat(CorpusStats.LINES));
      assertEquals(tokens, data.stat(CorpusStats.TOKENS));
      assertEquals(oov, data.stat(CorpusStats.OOV_TOKENS));
      assertEquals(expectedTrain.values().stream().mapToLong(Long::longValue).sum(), data.trainBigrams());
      assertEquals(expectedTrain.size(), data.distinctTrainBigrams());

      // The floor, computed independently: -(1/N) sum c log(c / n_prev).
      Map<String, Long> rowTotals = new HashMap<>();
      expectedTrain.forEach((k, c) -> rowTotals.merge(k.substring(0, k.indexOf('>')), c, Long::sum));
      double h = 0;
      for (Map.Entry<String, Long> e : expectedTrain.entrySet()) {
        long n = rowTotals.get(e.getKey().substring(0, e.getKey().indexOf('>')));
        h -= e.getValue() * Math.log((double) e.getValue() / n);
      }
      assertEquals(h / data.trainBigrams(), data.trainLossFloor(), 1e-12);
    } finally {
      data.release();
    }
  }

  private static void collect(CountRows rows, RowBlock block, Map<String, Long> into) {
    for (int r = 0; r < rows.numRows(); r++) {
      int prev = rows.row(r);
      assertTrue(prev >= block.firstRow() && prev < block.endRow(), "row " + prev + " outside its block");
      for (int k = rows.pairStart(r); k < rows.pairEnd(r); k++) {
        into.merge(prev + ">" + rows.nextId(k), rows.pairCount(k), Long::sum);
      }
    }
  }

  @Test
  void sentenceMarkersAddStartAndEndPairs() throws IOException {
    Files.write(dir.resolve("m.txt"), List.of("a b", "b"), StandardCharsets.UTF_8);
    TrainingData data = DataPass.run(jsc, List.of(dir.resolve("m.txt").toString()),
        new TokenizerSettings(TokenizerSettings.DEFAULT_PATTERN, true, true), 10, 1, 0.0, 2);
    try {
      // <s> a, a b, b </s>, <s> b, b </s>
      assertEquals(5, data.trainBigrams());
      assertEquals(2, data.vocab().count(data.vocab().bosId()));
    } finally {
      data.release();
    }
  }

  @Test
  void aGlobMatchingNothingIsAClearInputError() {
    InputException e = assertThrows(InputException.class, () -> DataPass.run(jsc,
        List.of(dir.resolve("nothing-*.txt").toString()), TokenizerSettings.defaults(), 10, 1, 0, 2));
    assertTrue(e.getMessage().contains("nothing-*.txt matches no file"), e.getMessage());
  }
}
