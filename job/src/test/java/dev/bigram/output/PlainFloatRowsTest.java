package dev.bigram.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Random;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.junit.jupiter.api.Test;

/**
 * {@link PlainFloatRows.LevelRuns} against Parquet's own encoder: whatever mix of repeated and bit-packed runs
 * the encoder writes, walking the runs gives back every level in order. (The rows it serves are checked against
 * the model in {@code ModelStoreTest}.)
 */
class PlainFloatRowsTest {

  @Test
  void levelRunsGiveBackEveryLevelParquetsEncoderWroteForRowsOfAnyLengthAndAnyStep() throws IOException {
    Random random = new Random(7);
    for (int maxLevel : new int[] {1, 3, 7}) {
      for (int trial = 0; trial < 20; trial++) {
        // Rows as a list column writes them: a row's first entry at level 0, then its others at maxLevel (long
        // runs, as a dense row's), with now and then a stretch of random levels (bit-packed runs).
        int[] levels = new int[5_000 + random.nextInt(5_000)];
        for (int i = 0; i < levels.length; ) {
          int row = 1 + (random.nextInt(4) == 0 ? random.nextInt(12) : random.nextInt(600));
          for (int k = 0; k < row && i < levels.length; k++, i++) {
            levels[i] = k == 0 ? 0 : random.nextInt(10) == 0 ? random.nextInt(maxLevel + 1) : maxLevel;
          }
        }
        PlainFloatRows.LevelRuns runs = PlainFloatRows.LevelRuns.of(encode(levels, maxLevel), maxLevel);
        int repeated = 0;
        for (int i = 0; i < levels.length; ) {
          int length = runs.runLength();
          assertTrue(length >= 1, "a run has entries");
          int step = Math.min(levels.length - i, 1 + random.nextInt(length));
          int level = runs.current();
          for (int k = 0; k < step; k++) {
            assertEquals(levels[i + k], level, "level " + (i + k) + " (max " + maxLevel + ", trial " + trial + ")");
          }
          if (length > 1) repeated++;
          runs.advance(step);
          i += step;
        }
        assertTrue(repeated > 0, "some runs repeat a level");
      }
    }
  }

  @Test
  void aConstantColumnIsOneEndlessRun() throws IOException {
    PlainFloatRows.LevelRuns runs = PlainFloatRows.LevelRuns.constant(0);
    assertEquals(Integer.MAX_VALUE, runs.runLength());
    runs.advance(1_000_000);
    assertEquals(0, runs.current());
  }

  private static BytesInput encode(int[] levels, int maxLevel) throws IOException {
    int bitWidth = 32 - Integer.numberOfLeadingZeros(maxLevel);
    RunLengthBitPackingHybridEncoder encoder = new RunLengthBitPackingHybridEncoder(bitWidth, 64, 1 << 20,
        new HeapByteBufferAllocator());
    for (int level : levels) encoder.writeInt(level);
    return BytesInput.copy(encoder.toBytes());
  }
}
