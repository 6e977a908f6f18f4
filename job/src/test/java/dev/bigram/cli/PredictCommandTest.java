package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigram.testing.CliRun;
import dev.bigram.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict} as a user or a program uses it: words, not the {@code <unk>} bucket, unless asked; and a batch
 * of words from a file, one JSON line per word, each the object {@code --words ... --json} gives for it. The
 * model is the small published run of {@code src/test/resources/compat} (V = 60, trained on the Bible excerpt).
 */
class PredictCommandTest extends SparkTestBase {
  private static final String MODEL = Path.of("src/test/resources/compat/output/old-run").toAbsolutePath()
      .toString();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void predictSuggestsWordsAndLeavesUnkOutUnlessAsked() throws Exception {
    JsonNode words = JSON.readTree(CliRun.of(spark, "predict", "--model", MODEL, "--word", "the", "--top", "3",
        "--json").assertSuccess().out().strip());
    assertEquals(3, words.size());
    for (JsonNode w : words) assertFalse(w.get("word").asText().startsWith("<"), words.toString());
    JsonNode all = JSON.readTree(CliRun.of(spark, "predict", "--model", MODEL, "--word", "the", "--top", "3",
        "--include-unk", "--json").assertSuccess().out().strip());
    assertEquals("<unk>", all.get(0).get("word").asText(), "this small model's best guess is the bucket");
    // The model's own probabilities either way, not renormalized without <unk>.
    assertEquals(all.get(1).get("probability").asDouble(), words.get(0).get("probability").asDouble(), 0.0);
  }

  @Test
  void wordsFromAFileGiveOneJsonLinePerWordAsWordsJsonDoes(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("words.txt");
    Files.write(file, List.of("the", "", "  lord ", "zebra"));
    List<String> lines = CliRun.of(spark, "predict", "--model", MODEL, "--words-from", file.toString(), "--top",
        "2").assertSuccess().out().strip().lines().toList();
    assertEquals(3, lines.size(), "one line per word, blank lines skipped: " + lines);
    JsonNode together = JSON.readTree(CliRun.of(spark, "predict", "--model", MODEL, "--words", "the,lord,zebra",
        "--top", "2", "--json").assertSuccess().out().strip());
    for (int i = 0; i < lines.size(); i++) {
      assertEquals(together.get(i), JSON.readTree(lines.get(i)), "line " + (i + 1));
    }
    assertTrue(JSON.readTree(lines.get(2)).get("oov").asBoolean(), "zebra is out of vocabulary");
  }
}
