package dev.bigram.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bigram.config.ReadSettings;
import dev.bigram.testing.FaultyFileSystem;
import dev.bigram.testing.SparkTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver lists the input once per open: the splits are computed from the listing that sized them, not
 * from a second walk of the directories (on an object store, a listing is many requests).
 */
class CorpusListingTest extends SparkTestBase {
  @TempDir
  Path dir;

  @Test
  void openingACorpusListsEachDirectoryOnce() throws Exception {
    FaultyFileSystem.register(jsc.hadoopConfiguration());
    Path root = dir.resolve("corpus");
    Files.createDirectories(root.resolve("a"));
    Files.createDirectories(root.resolve("b/c"));
    Files.write(root.resolve("a/one.txt"), List.of("the cat sat", "on the mat"), StandardCharsets.UTF_8);
    Files.write(root.resolve("b/two.txt"), List.of("a dog"), StandardCharsets.UTF_8);
    Files.write(root.resolve("b/c/three.txt"), List.of("the end"), StandardCharsets.UTF_8);
    Files.write(root.resolve("b/_hidden.txt"), List.of("not read"), StandardCharsets.UTF_8);
    long before = FaultyFileSystem.LISTINGS.get();
    Corpus corpus = CorpusReader.open(jsc, List.of(FaultyFileSystem.uri(root)), ReadSettings.defaults());
    assertEquals(4, FaultyFileSystem.LISTINGS.get() - before, "one listing of each of the 4 directories");
    assertEquals(List.of("a dog", "on the mat", "the cat sat", "the end"),
        corpus.lines().collect().stream().sorted().toList());
  }
}
