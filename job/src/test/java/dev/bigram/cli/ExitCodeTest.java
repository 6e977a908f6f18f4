package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.testing.SparkTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExitCodeTest {
  @Test
  void codesAreDistinctAndTheOperationsPageTableIsGeneratedFromThem() throws Exception {
    assertEquals(ExitCode.values().length,
        Arrays.stream(ExitCode.values()).mapToInt(ExitCode::code).distinct().count());
    String page =
        Files.readString(SparkTestBase.projectRoot().resolve("docs/operations.md"), StandardCharsets.UTF_8);
    assertTrue(page.contains(ExitCode.markdownTable()),
        "docs/operations.md's exit-code table must be exactly:\n" + ExitCode.markdownTable());
  }
}
