package dev.bigram.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.model.BigramModel;
import dev.bigram.optim.OptimizerState;
import dev.bigram.train.Checkpoint;
import dev.bigram.train.EpochRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  static final int V = 7;

  @TempDir
  java.nio.file.Path dir;

  CheckpointStore store;

  @BeforeEach
  void setUp() throws IOException {
    store = new CheckpointStore(FileSystem.getLocal(new Configuration()),
        new Path(dir.toUri().toString(), "_checkpoints"));
  }

  static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
    return a;
  }

  static Checkpoint checkpoint(int epoch, boolean adam, long seed) {
    Random r = new Random(seed);
    BigramModel model = new BigramModel(V, random(r, V * V), random(r, V));
    BigramModel best = new BigramModel(V, random(r, V * V), random(r, V));
    OptimizerState state = adam
        ? new OptimizerState(epoch, random(r, V * V), random(r, V * V), random(r, V), random(r, V))
        : OptimizerState.NONE;
    List<EpochRecord> history = new ArrayList<>();
    for (int e = 1; e <= epoch; e++) {
      // Losses with full double precision; no validation split (NaN), as a run without one records.
      history.add(new EpochRecord(e, 3.0 / e + r.nextDouble() * 1e-13, Double.NaN, 0.1 * Math.pow(0.98, e),
          r.nextDouble(), 0.25, e == 1 ? "Initial" : "Improving", r.nextDouble(), e % 2 == 0, 4096, 0.01, 0.02,
          8192, 0.003));
    }
    return new Checkpoint(epoch, model, best, adam ? "adam" : "sgd", state, 2.5 + r.nextDouble(), epoch - 1, 1,
        history, Map.of("train.learning-rate", "0.1"),
        Map.<String, Object>of("vocab_size", V, "train_loss_floor", 1.2345678901234567),
        Map.<String, Object>of("words_carried_over", 5),
        Map.<String, Object>of("pair_trace", List.of(Map.of("epoch", 1, "prev", "the", "next", "cat",
            "probability", 0.1 + r.nextDouble() * 1e-12))));
  }

  @Test
  void aCheckpointReadsBackBitForBit() throws IOException {
    Checkpoint c = checkpoint(4, true, 1);
    CheckpointStore.Saved saved = store.write(c);
    assertEquals(4, saved.epoch());
    Checkpoint back = store.read(store.latest().orElseThrow());
    assertEquals(c.epoch(), back.epoch());
    assertEquals(c.model(), back.model());
    assertEquals(c.best(), back.best());
    assertEquals(c.optimizer(), back.optimizer());
    assertEquals(c.optimizerState().steps(), back.optimizerState().steps());
    assertArrayEquals(c.optimizerState().weightMean(), back.optimizerState().weightMean());
    assertArrayEquals(c.optimizerState().weightVariance(), back.optimizerState().weightVariance());
    assertArrayEquals(c.optimizerState().biasMean(), back.optimizerState().biasMean());
    assertArrayEquals(c.optimizerState().biasVariance(), back.optimizerState().biasVariance());
    assertEquals(c.bestLoss(), back.bestLoss(), 0.0);
    assertEquals(c.bestEpoch(), back.bestEpoch());
    assertEquals(c.epochsWithoutImprovement(), back.epochsWithoutImprovement());
    assertEquals(c.history(), back.history(), "records, doubles and NaN included, are equal");
    assertEquals(c.settings(), back.settings());
    assertEquals("1.2345678901234567", String.valueOf(back.data().get("train_loss_floor")));
    assertEquals(5, ((Number) back.start().get("words_carried_over")).intValue());
    assertEquals(c.listeners(), back.listeners(), "listener state, doubles to the last bit");
  }

  @Test
  void aModelWithLowRankFactorsAndTheirMomentsReadsBackBitForBit() throws IOException {
    Random r = new Random(11);
    int rank = 2;
    int n = (int) dev.bigram.model.LowRank.length(V, rank);
    BigramModel model = new BigramModel(V, random(r, n), random(r, V));
    OptimizerState state = new OptimizerState(3, random(r, n), random(r, n), random(r, V), random(r, V));
    Checkpoint c = checkpoint(3, true, 2);
    c = new Checkpoint(3, model, model.copy(), "adam", state, c.bestLoss(), c.bestEpoch(),
        c.epochsWithoutImprovement(), c.history(), c.settings(), c.data(), c.start(), c.listeners());
    store.write(c);
    Checkpoint back = store.read(store.latest().orElseThrow());
    assertEquals(rank, back.model().rank());
    assertEquals(model, back.model());
    assertEquals(model, back.best());
    assertArrayEquals(state.weightMean(), back.optimizerState().weightMean());
    assertArrayEquals(state.weightVariance(), back.optimizerState().weightVariance());
  }

  @Test
  void aNewCheckpointReplacesTheOldOnesAndLeftoversOfInterruptedWrites() throws IOException {
    store.write(checkpoint(2, false, 1));
    // An interrupted write of epoch 4: a temporary directory without state.json.
    java.nio.file.Path tmp = dir.resolve("_checkpoints/_tmp-epoch-000004-dead");
    Files.createDirectories(tmp);
    Files.write(tmp.resolve("arrays.bin"), new byte[10]);
    assertEquals(2, store.latest().orElseThrow().epoch(), "an incomplete checkpoint is never the latest");
    store.write(checkpoint(6, false, 2));
    try (var s = Files.list(dir.resolve("_checkpoints"))) {
      assertEquals(List.of("epoch-000006"), s.map(p -> p.getFileName().toString()).toList());
    }
    Checkpoint back = store.read(store.latest().orElseThrow());
    assertEquals(6, back.epoch());
    assertEquals(OptimizerState.NONE.steps(), back.optimizerState().steps());
    assertEquals(null, back.optimizerState().weightMean());
  }

  @Test
  void aTruncatedCheckpointIsRefused() throws IOException {
    CheckpointStore.Saved saved = store.write(checkpoint(3, true, 3));
    java.nio.file.Path arrays = java.nio.file.Paths.get(saved.dir().toUri()).resolve("arrays.bin");
    try (RandomAccessFile f = new RandomAccessFile(arrays.toFile(), "rw")) {
      f.setLength(f.length() - 4);
    }
    Files.deleteIfExists(arrays.resolveSibling(".arrays.bin.crc"));
    IOException e = assertThrows(IOException.class, () -> store.read(saved));
    assertTrue(e.getMessage().contains("state.json says"), e.getMessage());
  }
}
