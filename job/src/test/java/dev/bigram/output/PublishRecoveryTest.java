package dev.bigram.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed in the middle of publishing run X leaves things aside; the next process to lock X puts them
 * right before it prepares: the previous run back under its name, the cumulative history without leftovers and
 * with the published run's partition.
 */
class PublishRecoveryTest {
  @TempDir
  Path out;

  private RunDirectory run(String id) {
    return new RunDirectory(new Configuration(), out.toString(), id);
  }

  private static Path file(Path p, String text, long millis) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    Files.setLastModifiedTime(p, FileTime.fromMillis(millis));
    return p;
  }

  private List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
    }
  }

  @Test
  void aPreviousRunLeftAsideGoesBackToItsName() throws IOException {
    file(out.resolve("_staging/x.replaced-0b5e6f0e-1d2c-4b3a-9f8e-7d6c5b4a3f21/_SUCCESS"), "x\n", 1_000_000);
    file(out.resolve("_staging/x.replaced-0b5e6f0e-1d2c-4b3a-9f8e-7d6c5b4a3f21/summary.json"), "{}", 1_000_000);
    OutputException e = assertThrows(OutputException.class, () -> run("x").prepare(false, false));
    assertTrue(e.getMessage().contains("run x is already complete"), e.getMessage());
    assertEquals("{}", Files.readString(out.resolve("x/summary.json")));
    assertFalse(names(out.resolve("_staging")).stream().anyMatch(n -> n.startsWith("x.replaced-")));
  }

  @Test
  void aPreviousRunLeftAsideIsDeletedWhenTheNewRunHasItsName() throws IOException {
    file(out.resolve("x/_SUCCESS"), "x\n", 2_000_000);
    file(out.resolve("x/summary.json"), "new", 2_000_000);
    file(out.resolve("_staging/x.replaced-0b5e6f0e-1d2c-4b3a-9f8e-7d6c5b4a3f21/summary.json"), "old", 1_000_000);
    run("x").prepare(true, false);
    assertEquals("new", Files.readString(out.resolve("x/summary.json")));
    assertFalse(names(out.resolve("_staging")).stream().anyMatch(n -> n.startsWith("x.replaced-")));
  }

  @Test
  void thePublishedRunsPendingHistoryIsPutInPlaceAndLeftoversGo() throws IOException {
    file(out.resolve("x/_SUCCESS"), "x\n", 2_000_000);
    file(out.resolve("_history/_pending-x-1a2b3c4d-0000-4000-8000-00000000000a/part-0.parquet"), "new history", 1_999_000);
    file(out.resolve("_history/_pending-x-1a2b3c4d-0000-4000-8000-00000000000b/part-0.parquet"), "older attempt", 1_000_000);
    file(out.resolve("_history/_replaced-x-1a2b3c4d-0000-4000-8000-00000000000c/part-0.parquet"), "replaced run", 1_500_000);
    file(out.resolve("_history/run_id=y/part-0.parquet"), "another run", 1_000_000);
    // Run x-2 is publishing at the same time, under its own lock: its pending partition is not x's.
    String other = "_pending-x-2-1a2b3c4d-0000-4000-8000-00000000000d";
    file(out.resolve("_history/" + other + "/part-0.parquet"), "x-2's history", 1_999_500);
    run("x").prepare(true, false);
    assertEquals(List.of(other, "run_id=x", "run_id=y"), names(out.resolve("_history")));
    assertEquals("new history", Files.readString(out.resolve("_history/run_id=x/part-0.parquet")));
    assertEquals("another run", Files.readString(out.resolve("_history/run_id=y/part-0.parquet")));
  }

  @Test
  void aPendingHistoryNewerThanThePublishedRunWasNeverPublished() throws IOException {
    file(out.resolve("x/_SUCCESS"), "x\n", 1_000_000);
    file(out.resolve("_history/run_id=x/part-0.parquet"), "published run", 1_000_000);
    file(out.resolve("_history/_pending-x-1a2b3c4d-0000-4000-8000-00000000000a/part-0.parquet"), "unpublished", 3_000_000);
    run("x").prepare(true, false);
    assertEquals(List.of("run_id=x"), names(out.resolve("_history")));
    assertEquals("published run", Files.readString(out.resolve("_history/run_id=x/part-0.parquet")));
  }
}
