package dev.bigram.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.model.BigramModel;
import dev.bigram.model.SparsePairs;
import dev.bigram.optim.OptimizerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The L2 search's best trial, parked on the driver's disk while the next trial trains its arrays. */
class TrialSpillTest {
  @TempDir
  Path dir;

  static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
    return a;
  }

  private long files() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  @Test
  void aDenseModelAndItsSecondMomentsComeBackBitForBitInFreshArrays() throws Exception {
    Random r = new Random(3);
    int v = 9;
    BigramModel model = new BigramModel(v, random(r, v * v), random(r, v));
    OptimizerState state = new OptimizerState(17, random(r, v * v), random(r, v * v), random(r, v), random(r, v));
    try (TrialSpill spill = new TrialSpill(dir, "r1")) {
      spill.write(model, state);
      TrialSpill.Parked p = spill.read(null, true);
      assertEquals(model, p.model());
      assertTrue(p.model().weights() != model.weights(), "fresh arrays, the caller's to train");
      assertEquals(17, p.state().steps());
      assertNull(p.state().weightMean(), "the first moments are not kept");
      assertNull(p.state().biasMean());
      assertArrayEquals(state.weightVariance(), p.state().weightVariance());
      assertArrayEquals(state.biasVariance(), p.state().biasVariance());
    }
  }

  @Test
  void aDenseModelWithLowRankFactorsComesBackWithThemAndTheirSecondMoments() throws Exception {
    Random r = new Random(4);
    int v = 7;
    int n = (int) dev.bigram.model.LowRank.length(v, 3);
    BigramModel model = new BigramModel(v, random(r, n), random(r, v));
    OptimizerState state = new OptimizerState(5, random(r, n), random(r, n), random(r, v), random(r, v));
    try (TrialSpill spill = new TrialSpill(dir, "r1")) {
      spill.write(model, state);
      TrialSpill.Parked p = spill.read(null, true);
      assertEquals(3, p.model().rank());
      assertEquals(model, p.model());
      assertArrayEquals(state.weightVariance(), p.state().weightVariance());
    }
  }

  @Test
  void aSparseModelWithoutBiasAndAStatelessOptimizerComeBack() {
    Random r = new Random(5);
    SparsePairs pairs = new SparsePairs(4, new int[] {0, 2, 2, 3, 4}, new int[] {0, 1, 3, 2});
    BigramModel model = new BigramModel(4, pairs, random(r, 4), null);
    try (TrialSpill spill = new TrialSpill(dir, "r1")) {
      spill.write(model, OptimizerState.NONE);
      TrialSpill.Parked p = spill.read(pairs, true);
      assertEquals(model, p.model());
      assertNull(p.state().weightVariance(), "plain gradient descent has no moments");
    }
  }

  @Test
  void aNewBestReplacesTheParkedOneAndCloseLeavesNoFileBehind() throws Exception {
    Random r = new Random(7);
    int v = 5;
    try (TrialSpill spill = new TrialSpill(dir, "r1")) {
      assertFalse(spill.holdsTrial());
      spill.write(new BigramModel(v, random(r, v * v), random(r, v)), OptimizerState.NONE);
      BigramModel second = new BigramModel(v, random(r, v * v), random(r, v));
      spill.write(second, OptimizerState.NONE);
      assertEquals(1, files(), "one parked trial at a time");
      assertEquals(second, spill.read(null, true).model());
    }
    assertEquals(0, files());
  }

  @Test
  void anUnwritableScratchDirectoryIsRefusedWithItsPathAndWhatToDo() throws Exception {
    Path notADir = Files.writeString(dir.resolve("file"), "x");
    TrialSpill spill = new TrialSpill(notADir.resolve("scratch"), "r1");
    int v = 3;
    OutputException e = assertThrows(OutputException.class,
        () -> spill.write(new BigramModel(v, new float[v * v], null), OptimizerState.NONE));
    assertTrue(e.getMessage().contains(notADir.resolve("scratch").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("spark.local.dir"), e.getMessage());
  }

  @Test
  void aTruncatedParkedFileIsRefusedWithItsPathAndWhatHappened() throws Exception {
    Random r = new Random(9);
    int v = 6;
    try (TrialSpill spill = new TrialSpill(dir, "r1")) {
      spill.write(new BigramModel(v, random(r, v * v), random(r, v)), OptimizerState.NONE);
      Path parked;
      try (Stream<Path> s = Files.list(dir)) {
        parked = s.findFirst().orElseThrow();
      }
      Files.write(parked, java.util.Arrays.copyOf(Files.readAllBytes(parked), 40));
      OutputException e = assertThrows(OutputException.class, () -> spill.read(null, true));
      assertTrue(e.getMessage().contains(parked.toString()) && e.getMessage().contains("EOFException"),
          e.getMessage());
    }
  }

  @Test
  void theModelAloneIsReadWhenNothingWillTrainIt() {
    Random r = new Random(11);
    int v = 4;
    BigramModel model = new BigramModel(v, random(r, v * v), random(r, v));
    try (TrialSpill spill = new TrialSpill(dir, "r1")) {
      spill.write(model, new OptimizerState(3, null, random(r, v * v), null, random(r, v)));
      TrialSpill.Parked p = spill.read(null, false);
      assertEquals(model, p.model());
      assertNull(p.state());
    }
  }

  @Test
  void aFileLeftByAKilledAttemptOfTheSameRunIsDeletedAndOtherRunsFilesAreKept() throws Exception {
    Path left = Files.writeString(dir.resolve("bigram-l2-trial-r1-123.bin"), "left by a killed run");
    Path other = Files.writeString(dir.resolve("bigram-l2-trial-r2-456.bin"), "another run's");
    Path longer = Files.writeString(dir.resolve("bigram-l2-trial-r1-5-789.bin"), "run r1-5's");
    try (TrialSpill spill = new TrialSpill(dir, "r1")) {
      assertFalse(Files.exists(left));
      assertTrue(Files.exists(other));
      assertTrue(Files.exists(longer), "run r1-5 is another run");
    }
  }

  @Test
  void theScratchDirectoryIsSparksOwnChoice() {
    assertEquals(Paths.get("/a"), TrialSpill.scratchDir("/a,/b", "/c"), "SPARK_LOCAL_DIRS first");
    assertEquals(Paths.get("/c"), TrialSpill.scratchDir(null, "/c,/d"), "then spark.local.dir");
    assertEquals(Paths.get(System.getProperty("java.io.tmpdir")), TrialSpill.scratchDir(" ", null));
  }
}
