package dev.bigram.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.data.InputException;
import dev.bigram.data.RowBlocks;
import dev.bigram.data.Vocabulary;
import dev.bigram.model.BigramModel;
import dev.bigram.model.SparsePairs;
import dev.bigram.testing.PublishedModels;
import dev.bigram.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code model/} table in both layouts: what {@link ModelStore} writes, {@link ModelReader} (with Spark) and
 * {@link PublishedRun} (without) read back, and a damaged sparse table refused in one line.
 */
class ModelStoreTest extends SparkTestBase {
  private static final int V = 40;

  @Test
  void aSparseModelWrittenAndReadBackIsTheSameModelRowsWithoutPairsIncluded(@TempDir Path dir) throws Exception {
    BigramModel sparse = PublishedModels.randomSparse(V, 1);
    assertEquals(0, sparse.pairs().rowEnd(3) - sparse.pairs().rowStart(3), "row 3 has no pairs");
    PublishedModels.publish(spark, dir, sparse, PublishedModels.vocabulary(V));
    assertTrue(spark.read().parquet(dir.resolve("model").toString()).schema().simpleString()
        .contains("next:array<int>"));
    assertEquals(sparse, PublishedRun.open(spark, dir.toString()).model());
  }

  @Test
  void aSparseModelWithoutBiasIsReadBackWithoutBias(@TempDir Path dir) throws Exception {
    BigramModel withBias = PublishedModels.randomSparse(V, 2);
    BigramModel sparse = new BigramModel(V, withBias.pairs(), withBias.weights(), null);
    PublishedModels.publish(spark, dir, sparse, PublishedModels.vocabulary(V));
    assertEquals(sparse, PublishedRun.open(spark, dir.toString()).model());
  }

  @Test
  void aDenseModelIsWrittenWithoutANextColumnAndReadBackTheSame(@TempDir Path dir) throws Exception {
    BigramModel dense = PublishedModels.denseTwin(PublishedModels.randomSparse(V, 3));
    PublishedModels.publish(spark, dir, dense, PublishedModels.vocabulary(V));
    assertEquals(List.of("id", "word", "bias", "weights"),
        Arrays.asList(spark.read().parquet(dir.resolve("model").toString()).schema().fieldNames()));
    PublishedRun run = PublishedRun.open(spark, dir.toString());
    assertEquals(dense, run.model());
    Map<Integer, double[]> p = run.probabilities(List.of(0, 7, V - 1));
    for (int id : List.of(0, 7, V - 1)) assertArrayEquals(dense.probabilities(id), p.get(id), 0.0, "row " + id);
  }

  @Test
  void publishedProbabilitiesOfASparseRunAreTheModelsAndSumToOne(@TempDir Path dir) throws Exception {
    BigramModel sparse = PublishedModels.randomSparse(V, 4);
    PublishedModels.publish(spark, dir, sparse, PublishedModels.vocabulary(V));
    PublishedRun run = PublishedRun.open(new org.apache.hadoop.conf.Configuration(), dir.toString());
    List<Integer> ids = List.of(0, 3, 8, V - 1);
    Map<Integer, double[]> p = run.probabilities(ids);
    BigramModel dense = PublishedModels.denseTwin(sparse);
    for (int id : ids) {
      assertArrayEquals(sparse.probabilities(id), p.get(id), 1e-12, "row " + id);
      assertArrayEquals(dense.probabilities(id), p.get(id), 1e-6, "row " + id + " of the dense twin");
      assertEquals(1.0, Arrays.stream(p.get(id)).sum(), 1e-12, "row " + id);
    }
  }

  @Test
  void rowsReadPageByPageFromFilesOfManySmallPagesAreTheModelsRowsInEveryLayoutAndEncoding(@TempDir Path dir)
      throws Exception {
    BigramModel sparse = PublishedModels.randomSparse(V, 5);
    BigramModel dense = PublishedModels.denseTwin(sparse);
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try {
      // Pages of at most 3 rows: reading an id then reads the pages that hold it, not its whole row group.
      hadoop.setInt("parquet.page.row.count.limit", 3);
      hadoop.setInt("parquet.page.size.row.check.min", 1);
      hadoop.setInt("parquet.page.size.row.check.max", 1);
      PublishedModels.publish(spark, dir.resolve("sparse"), sparse, PublishedModels.vocabulary(V));
      // The job writes its weights in plain encoding...
      PublishedModels.publish(spark, dir.resolve("dense-plain"), dense, PublishedModels.vocabulary(V));
      // ... and another writer may not: the dense twin's many zeros make a dictionary pay.
      PublishedModels.publish(spark, dir.resolve("dense-dictionary"), dense, PublishedModels.vocabulary(V));
      String model = dir.resolve("dense-dictionary").resolve("model").toString();
      spark.read().parquet(dir.resolve("dense-plain").resolve("model").toString()).coalesce(2).write()
          .mode(org.apache.spark.sql.SaveMode.Overwrite).option("parquet.enable.dictionary", "true").parquet(model);
    } finally {
      for (String key : List.of("parquet.page.row.count.limit", "parquet.page.size.row.check.min",
          "parquet.page.size.row.check.max")) {
        hadoop.unset(key);
      }
    }
    List<Integer> ids = List.of(0, 3, 4, 17, 18, 19, V - 1);
    for (String layout : List.of("sparse", "dense-dictionary", "dense-plain")) {
      PublishedRun run = PublishedRun.open(new org.apache.hadoop.conf.Configuration(), dir.resolve(layout).toString());
      java.util.Set<String> encodings = new java.util.TreeSet<>();
      assertTrue(weightPages(run, encodings) > V / 3, layout + ": the weights are in many pages");
      if (layout.startsWith("dense")) {
        assertEquals(layout.equals("dense-plain"), encodings.stream().noneMatch(e -> e.contains("DICTIONARY")),
            layout + ": " + encodings);
      }
      Map<Integer, double[]> p = run.probabilities(ids);
      assertEquals(ids.size(), p.size());
      for (int id : ids) assertArrayEquals(sparse.probabilities(id), p.get(id), 1e-6, layout + " row " + id);
      java.util.Set<Integer> rowsRead = new java.util.TreeSet<>();
      run.forEachDistribution(List.of(18), (id, q) -> rowsRead.add(id));
      assertEquals(java.util.Set.of(18), rowsRead, layout);
      List<Integer> every = new ArrayList<>();
      run.forEachRow((id, w, next, n) -> {
        every.add(id);
        for (int k = 0; k < n; k++) {
          int j = next == null ? k : next[k];
          assertEquals(sparse.weight(id, j), w[k], 0f, layout + " w(" + id + ", " + j + ")");
        }
      });
      assertEquals(V, every.size(), layout + ": every row once");
    }
  }

  @Test
  void everyWantedRowOfASparseTableIsReadWhenItsIdPagesAreLargerThanItsWeightPages(@TempDir Path dir)
      throws Exception {
    int v = 200;
    Vocabulary vocab = PublishedModels.vocabulary(v);
    java.util.Random random = new java.util.Random(11);
    Map<Integer, List<Integer>> next = new java.util.HashMap<>();
    Map<Integer, List<Float>> weights = new java.util.HashMap<>();
    List<Row> rows = new ArrayList<>();
    for (int id = 0; id < v; id++) {
      List<Integer> n = new ArrayList<>();
      List<Float> w = new ArrayList<>();
      for (int j = 0; j < v; j++) {
        if (random.nextInt(12) == 0) {
          n.add(j);
          w.add(random.nextFloat());
        }
      }
      next.put(id, n);
      weights.put(id, w);
      rows.add(PublishedModels.sparseRow(id, vocab, n, w));
    }
    java.util.Collections.shuffle(rows, random);
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try {
      // Pages of 7 ids, but of a row or two of weights (cut by size): a row's id and its weights then sit in
      // pages that start at different rows.
      hadoop.setInt("parquet.page.size", 64);
      hadoop.setInt("parquet.page.row.count.limit", 7);
      hadoop.setInt("parquet.page.size.row.check.min", 1);
      hadoop.setInt("parquet.page.size.row.check.max", 1);
      PublishedModels.publishSparseRows(spark, dir, vocab, rows);
    } finally {
      for (String key : List.of("parquet.page.size", "parquet.page.row.count.limit",
          "parquet.page.size.row.check.min", "parquet.page.size.row.check.max")) {
        hadoop.unset(key);
      }
    }
    org.apache.hadoop.fs.Path run = new org.apache.hadoop.fs.Path(dir.toUri());
    PublishedRun published = PublishedRun.open(new org.apache.hadoop.conf.Configuration(), dir.toString());
    int idPages = pages(published, "id", new java.util.TreeSet<>());
    int weightPages = pages(published, "weights", new java.util.TreeSet<>());
    assertTrue(idPages > 10 && weightPages > 2 * idPages, idPages + " id pages, " + weightPages + " weight pages");
    for (int trial = 0; trial < 40; trial++) {
      java.util.Set<Integer> wanted = new java.util.TreeSet<>();
      for (int k = 1 + random.nextInt(12); k > 0; k--) wanted.add(random.nextInt(v));
      for (boolean parallel : new boolean[] {false, true}) {
        Map<Integer, List<Integer>> gotNext = new java.util.concurrent.ConcurrentHashMap<>();
        Map<Integer, List<Float>> gotWeights = new java.util.concurrent.ConcurrentHashMap<>();
        try (ParquetTables.ModelFiles files = ParquetTables.ModelFiles.open(new org.apache.hadoop.conf.Configuration(),
            run)) {
          files.forEachRow(wanted, (id, w, nx, n) -> {
            List<Integer> ns = new ArrayList<>();
            List<Float> ws = new ArrayList<>();
            for (int k = 0; k < n; k++) {
              ns.add(nx[k]);
              ws.add(w[k]);
            }
            gotNext.put(id, ns);
            gotWeights.put(id, ws);
          }, parallel);
        }
        assertEquals(wanted, new java.util.TreeSet<>(gotNext.keySet()), "trial " + trial);
        for (int id : wanted) {
          assertEquals(next.get(id), gotNext.get(id), "next of row " + id);
          assertEquals(weights.get(id), gotWeights.get(id), "weights of row " + id);
        }
      }
    }
  }

  /** How many pages the {@code weights} column has across the model's files; adds their encodings. */
  private static int weightPages(PublishedRun run, java.util.Set<String> encodings) throws java.io.IOException {
    return pages(run, "weights", encodings);
  }

  /** How many pages {@code column} has across the model's files; adds their encodings. */
  private static int pages(PublishedRun run, String column, java.util.Set<String> encodings)
      throws java.io.IOException {
    int pages = 0;
    java.io.File[] parts = new java.io.File(run.dir().toUri().getPath(), "model")
        .listFiles((d, name) -> name.endsWith(".parquet"));
    for (java.io.File part : parts) {
      try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(
          org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(part.toURI()),
              new org.apache.hadoop.conf.Configuration()))) {
        for (org.apache.parquet.hadoop.metadata.BlockMetaData g : reader.getRowGroups()) {
          for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData c : g.getColumns()) {
            if (c.getPath().toArray()[0].equals(column)) {
              pages += reader.readOffsetIndex(c).getPageCount();
              c.getEncodings().forEach(e -> encodings.add(e.name()));
            }
          }
        }
      }
    }
    return pages;
  }

  @Test
  void aSparseTableWhoseNextAndWeightsDifferInLengthIsOneErrorNamingTheRun(@TempDir Path dir) throws Exception {
    Vocabulary vocab = PublishedModels.vocabulary(4);
    List<Row> rows = new ArrayList<>();
    rows.add(PublishedModels.sparseRow(0, vocab, List.of(1, 2), List.of(0.5f, -0.5f)));
    rows.add(PublishedModels.sparseRow(1, vocab, List.of(), List.of()));
    rows.add(PublishedModels.sparseRow(2, vocab, List.of(0, 3), List.of(0.25f)));
    rows.add(PublishedModels.sparseRow(3, vocab, List.of(3), List.of(1f)));
    Path run = PublishedModels.publishSparseRows(spark, dir, vocab, rows);
    String expected = "model of " + PublishedRun.open(spark, run.toString()).dir()
        + " is corrupt at row 2: 2 next ids but 1 weights";
    InputException whole = assertThrows(InputException.class, () -> PublishedRun.open(spark, run.toString()).model());
    assertEquals(expected, whole.getMessage());
    InputException one = assertThrows(InputException.class,
        () -> PublishedRun.open(new org.apache.hadoop.conf.Configuration(), run.toString()).probabilities(2));
    assertEquals(expected, one.getMessage());
  }

  @Test
  void aSparseTableWithNextIdsOutOfOrderOrRangeIsOneErrorNamingTheRow(@TempDir Path dir) throws Exception {
    Vocabulary vocab = PublishedModels.vocabulary(4);
    List<Row> rows = new ArrayList<>();
    rows.add(PublishedModels.sparseRow(0, vocab, List.of(2, 1), List.of(0.5f, -0.5f)));
    rows.add(PublishedModels.sparseRow(1, vocab, List.of(4), List.of(1f)));
    rows.add(PublishedModels.sparseRow(2, vocab, List.of(), List.of()));
    rows.add(PublishedModels.sparseRow(3, vocab, List.of(), List.of()));
    Path run = PublishedModels.publishSparseRows(spark, dir, vocab, rows);
    InputException whole = assertThrows(InputException.class, () -> PublishedRun.open(spark, run.toString()).model());
    assertTrue(whole.getMessage().matches("model of .* is corrupt at row [01]: .*"), whole.getMessage());
    PublishedRun plain = PublishedRun.open(new org.apache.hadoop.conf.Configuration(), run.toString());
    assertEquals("model of " + plain.dir() + " is corrupt at row 0: next ids not increasing at 1",
        assertThrows(InputException.class, () -> plain.probabilities(0)).getMessage());
    assertEquals("model of " + plain.dir() + " is corrupt at row 1: next id 4 outside [0, 4)",
        assertThrows(InputException.class, () -> plain.probabilities(1)).getMessage());
  }

  @Test
  void aSparseTableMissingARowIsOneErrorNamingTheRun(@TempDir Path dir) throws Exception {
    Vocabulary vocab = PublishedModels.vocabulary(4);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3; i++) rows.add(PublishedModels.sparseRow(i, vocab, List.of(i), List.of(0.5f)));
    Path run = PublishedModels.publishSparseRows(spark, dir, vocab, rows);
    InputException e = assertThrows(InputException.class, () -> PublishedRun.open(spark, run.toString()).model());
    assertTrue(e.getMessage().endsWith(" has 3 rows, expected V = 4: the run is corrupt"), e.getMessage());
  }

  @Test
  void sparseFilesAreCutWhereThePairsReachTheirShareNotTheRows() {
    // Row i has V - i pairs: the first rows hold most of them, as the frequent words do.
    int v = 100;
    int[] start = new int[v + 1];
    List<Integer> cols = new ArrayList<>();
    for (int i = 0; i < v; i++) {
      for (int j = i; j < v; j++) cols.add(j);
      start[i + 1] = cols.size();
    }
    SparsePairs pairs = new SparsePairs(v, start, cols.stream().mapToInt(Integer::intValue).toArray());
    int files = 4;
    RowBlocks blocks = new RowBlocks(v, 64);
    int[] cuts = ModelStore.fileCuts(pairs, blocks, files);
    assertEquals(0, cuts[0]);
    assertEquals(blocks.numPartitions(), cuts[files]);
    int largestBlock = 2 * v; // 2 rows per block, at most V pairs a row
    for (int f = 0; f < files; f++) {
      assertTrue(cuts[f] <= cuts[f + 1], Arrays.toString(cuts));
      int held = pairs.rowStart(blocks.firstRow(cuts[f + 1])) - pairs.rowStart(blocks.firstRow(cuts[f]));
      assertEquals(pairs.size() / (double) files, held, largestBlock, "file " + f + " of cuts " + Arrays.toString(cuts));
    }
    assertTrue(blocks.firstRow(cuts[1]) < v / files, "the first file, of the frequent words, has fewer rows: "
        + Arrays.toString(cuts));
  }
}
