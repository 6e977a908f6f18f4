package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.testing.CliRun;
import dev.bigram.testing.DirSnapshot;
import dev.bigram.testing.FaultyFileSystem;
import dev.bigram.testing.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Output that cannot take a run (a file, no permission, a disk that fills up at each step, a run id that is
 * complete) and model directories that are not complete runs: each is one line and its exit code, nothing is
 * published, and the earlier run and LATEST are byte for byte as they were.
 */
class OutputFaultsTest extends SparkTestBase {
  static final List<String> GOOD = List.of("the cat sat on the mat", "the dog sat on the rug",
      "a cat and a dog", "the mat and the rug", "the cat saw the dog", "a dog saw a cat");

  @TempDir
  static Path shared;
  static Path out;
  static Path corpus;
  static Map<String, String> earlier;

  @TempDir
  Path dir;

  @BeforeAll
  static void publishAnEarlierRun() throws IOException {
    FaultyFileSystem.register(jsc.hadoopConfiguration());
    out = shared.resolve("out");
    corpus = shared.resolve("good.txt");
    Files.write(corpus, GOOD, StandardCharsets.UTF_8);
    train(out.toString(), "base").assertSuccess();
    earlier = DirSnapshot.of(out);
  }

  @AfterEach
  void healTheDisk() {
    FaultyFileSystem.fillUpWhenWriting(null);
    FaultyFileSystem.failRenamesTo(null);
  }

  static CliRun train(String output, String runId, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--input", corpus.toString(), "--output", output,
        "--run-id", runId, "--set", "train.max-epochs=3", "--set", "vocab.size=100", "--set", "vocab.min-count=1",
        "--set", "train.validation-fraction=0", "--set", "train.partitions=2"));
    args.addAll(Arrays.asList(more));
    return CliRun.of(spark, args.toArray(new String[0]));
  }

  static void assertEarlierRunUntouched() {
    DirSnapshot.assertUnchanged(earlier, out, "the earlier run, LATEST or the staging area");
  }

  // ---- 8. output problems --------------------------------------------------------------------------------

  @Test
  void anOutputPathThatIsAFileIsExitCode4() throws IOException {
    Path file = Files.writeString(dir.resolve("runs"), "not a directory");
    train(file.toString(), "r1").assertOneLineError(ExitCode.OUTPUT_ERROR, "is a file, not a directory",
        "choose another --output");
    assertEquals("not a directory", Files.readString(file));
  }

  @Test
  void anOutputWithoutWritePermissionIsExitCode4() {
    String output = FaultyFileSystem.uri(dir.resolve("readonly-share/runs"));
    train(output, "r1").assertOneLineError(ExitCode.OUTPUT_ERROR, "Permission denied", "is writable");
    assertFalse(Files.exists(dir.resolve("readonly-share")));
  }

  /** The disk fills while a Spark task writes the model, while the driver writes summary.json, and last of all. */
  @ParameterizedTest
  @ValueSource(strings = {"/model/", "/summary.json", "/LATEST."})
  void aDiskThatFillsDuringTheWriteIsExitCode4AndPublishesNothing(String fullAt) {
    FaultyFileSystem.fillUpWhenWriting(fullAt);
    train(FaultyFileSystem.uri(out), "r-full").assertOneLineError(ExitCode.OUTPUT_ERROR,
        "writing run r-full to faulty:" + out + " failed (No space left on device)", "nothing was published");
    assertFalse(Files.exists(out.resolve("r-full")), "published although the disk was full");
    assertEarlierRunUntouched();
  }

  /** A disk that fills at the very last write keeps the run's checkpoints, for --resume. */
  @Test
  void aDiskThatFillsAtTheLastWriteKeepsTheCheckpoints() {
    Path runs = dir.resolve("runs");
    FaultyFileSystem.fillUpWhenWriting("/LATEST.");
    train(FaultyFileSystem.uri(runs), "r-resumable", "--set", "train.checkpoint-every=1")
        .assertOneLineError(ExitCode.OUTPUT_ERROR, "No space left on device", "nothing was published");
    assertTrue(Files.isDirectory(runs.resolve("_staging/r-resumable/_checkpoints")),
        "the checkpoints are kept for --resume");
    assertFalse(Files.exists(runs.resolve("r-resumable")));
  }

  /** Republishing a run (--overwrite) that fails at the last write keeps the run and its cumulative history. */
  @Test
  void aRepublishThatFailsKeepsTheEarlierRunAndItsHistory() {
    FaultyFileSystem.fillUpWhenWriting("/LATEST.");
    train(FaultyFileSystem.uri(out), "base", "--overwrite", "--set", "train.max-epochs=2")
        .assertOneLineError(ExitCode.OUTPUT_ERROR, "writing run base to faulty:" + out
            + " failed (No space left on device)", "nothing was published");
    assertEarlierRunUntouched();
  }

  /**
   * Once a run has its name, a history that cannot be renamed into the cumulative table does not fail it: the
   * run is published and LATEST; the replaced run's partition is gone (it would describe a run that no longer
   * exists under the new run's id), and the new one waits in a pending directory, named in the warning.
   */
  @Test
  void aHistoryThatCannotBeRenamedInLeavesNoStalePartitionAndStillPublishes() throws IOException {
    Path runs = dir.resolve("runs");
    train(FaultyFileSystem.uri(runs), "r").assertSuccess();
    FaultyFileSystem.failRenamesTo("/_history/run_id=r");
    train(FaultyFileSystem.uri(runs), "r", "--overwrite", "--set", "train.max-epochs=2").assertSuccess();
    assertTrue(Files.exists(runs.resolve("r/_SUCCESS")));
    assertEquals("r", Files.readString(runs.resolve("LATEST")).strip());
    try (Stream<Path> left = Files.list(runs.resolve("_history"))) {
      List<String> names = left.map(p -> p.getFileName().toString()).toList();
      assertEquals(1, names.size(), names.toString());
      assertTrue(names.get(0).startsWith("_pending-r-"), "only the new history, pending: " + names);
    }
  }

  @Test
  void aRunIdThatIsAlreadyCompleteIsExitCode4AndTheRunIsUntouched() {
    train(out.toString(), "base").assertOneLineError(ExitCode.OUTPUT_ERROR, "run base is already complete in",
        "choose another --run-id or pass --overwrite");
    assertEarlierRunUntouched();
  }

  // ---- 9. model directories given to predict and evaluate -------------------------------------------------

  /** A copy of the published run, to damage. */
  Path copyOfRun() throws IOException {
    Path copy = dir.resolve("copy");
    try (Stream<Path> walk = Files.walk(out.resolve("base"))) {
      for (Path p : walk.toList()) {
        Path target = copy.resolve(out.resolve("base").relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else Files.copy(p, target);
      }
    }
    return copy;
  }

  static CliRun predict(Path model) {
    return CliRun.of(spark, "predict", "--model", model.toString(), "--word", "the", "--json");
  }

  static CliRun evaluate(Path model) {
    return CliRun.of(spark, "evaluate", "--model", model.toString(), "--input", corpus.toString(), "--json");
  }

  static Path part(Path table) throws IOException {
    try (Stream<Path> files = Files.list(table)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
  }

  @Test
  void theCompleteRunIsReadByPredictAndEvaluate() throws IOException {
    Path copy = copyOfRun();
    assertTrue(predict(copy).assertSuccess().out().startsWith("[{\"word\":"));
    assertTrue(evaluate(copy).assertSuccess().out().contains("\"cross_entropy\""));
  }

  @Test
  void aRunWithoutSuccessIsRefused() throws IOException {
    Path copy = copyOfRun();
    Files.delete(copy.resolve("_SUCCESS"));
    predict(copy).assertOneLineError(ExitCode.BAD_INPUT, "has no _SUCCESS", "never read as a model");
    evaluate(copy).assertOneLineError(ExitCode.BAD_INPUT, "has no _SUCCESS");
  }

  @Test
  void aRunWithoutItsModelTableIsRefused() throws IOException {
    Path copy = copyOfRun();
    BadInputTestFiles.deleteRecursively(copy.resolve("model"));
    predict(copy).assertOneLineError(ExitCode.BAD_INPUT, "table model/ of ", "cannot be read",
        "incomplete or corrupt");
    evaluate(copy).assertOneLineError(ExitCode.BAD_INPUT, "table model/ of ");
  }

  @Test
  void aCorruptedModelFileIsRefused() throws IOException {
    Path copy = copyOfRun();
    Path part = part(copy.resolve("model"));
    byte[] bytes = Files.readAllBytes(part);
    Arrays.fill(bytes, 4, bytes.length - 8, (byte) 0x5A); // keep the PAR1 magic, destroy pages and footer
    Files.write(part, bytes);
    Files.deleteIfExists(part.resolveSibling("." + part.getFileName() + ".crc"));
    predict(copy).assertOneLineError(ExitCode.BAD_INPUT, "table model/ of ", "the run is incomplete or corrupt");
    evaluate(copy).assertOneLineError(ExitCode.BAD_INPUT, "table model/ of ");
  }

  @Test
  void aVocabularyTableWithTheWrongSchemaIsRefused() throws IOException {
    Path copy = copyOfRun();
    BadInputTestFiles.deleteRecursively(copy.resolve("vocab"));
    spark.range(5).toDF("id").write().parquet(copy.resolve("vocab").toString());
    predict(copy).assertOneLineError(ExitCode.BAD_INPUT, "table vocab/ of ", "has the schema struct<id:bigint>",
        "expected struct<id:int,word:string,count:bigint>");
  }

  @Test
  void aSummaryThatIsNotJsonIsRefused() throws IOException {
    Path copy = copyOfRun();
    Files.writeString(copy.resolve("summary.json"), "{\"run_id\": \"base\", trunc");
    predict(copy).assertOneLineError(ExitCode.BAD_INPUT, "summary.json of ", "is not valid JSON");
  }

  @Test
  void initFromRefusesAnIncompleteOrCorruptRunAndPublishesNothing() throws IOException {
    Path copy = copyOfRun();
    Path part = part(copy.resolve("model"));
    byte[] bytes = Files.readAllBytes(part);
    Arrays.fill(bytes, 4, bytes.length - 8, (byte) 0x5A);
    Files.write(part, bytes);
    Files.deleteIfExists(part.resolveSibling("." + part.getFileName() + ".crc"));
    train(out.toString(), "r-warm", "--init-from", copy.toString()).assertOneLineError(ExitCode.BAD_INPUT,
        "table model/ of ", "the run is incomplete or corrupt");
    Files.delete(copy.resolve("_SUCCESS"));
    train(out.toString(), "r-warm", "--init-from", copy.toString()).assertOneLineError(ExitCode.BAD_INPUT,
        "has no _SUCCESS");
    assertFalse(Files.exists(out.resolve("r-warm")));
    assertFalse(Files.exists(out.resolve("_staging/r-warm")), "the failed run's staging is removed");
    assertEarlierRunUntouched();
  }

  @Test
  void aMissingModelOrALatestNamingAMissingRunIsRefused() throws IOException {
    predict(dir.resolve("nowhere")).assertOneLineError(ExitCode.BAD_INPUT, "nowhere does not exist");
    Path output = dir.resolve("output");
    Files.createDirectories(output);
    Files.writeString(output.resolve("LATEST"), "gone\n");
    predict(output).assertOneLineError(ExitCode.BAD_INPUT, "does not exist");
  }

  /** Small file helpers shared by the tests of this package. */
  static final class BadInputTestFiles {
    static void deleteRecursively(Path p) throws IOException {
      try (Stream<Path> walk = Files.walk(p)) {
        for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
      }
    }
  }
}
