package dev.bigram.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.bigram.testing.SparkTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is where users look up a key: its table must list every key with the jar's default. */
class ConfigurationDocsTest {
  static final String PAGE = "docs/configuration.md";
  private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9.-]+)` \\| `(.*?)` \\|", Pattern.MULTILINE);

  @Test
  void theConfigurationTableListsEveryKeyWithItsDefault() throws Exception {
    String page = Files.readString(SparkTestBase.projectRoot().resolve(PAGE), StandardCharsets.UTF_8);
    Map<String, String> documented = new HashMap<>();
    Matcher m = ROW.matcher(page);
    while (m.find()) documented.put(m.group(1), m.group(2));
    Config reference = TrainerConfig.reference().resolve();
    for (Param<?> p : Keys.ALL) {
      assertTrue(documented.containsKey(p.name()), PAGE + " does not document " + p.name());
      String expected = reference.getValue(p.name()).render(ConfigRenderOptions.concise());
      String actual = documented.get(p.name());
      assertEquals(normalize(expected), normalize(actual), PAGE + " default of " + p.name());
    }
  }

  /** Unquotes strings and writes numbers in one form, so 1.0E-4 and 0.0001 compare equal. */
  private static String normalize(String value) {
    String s = value.replace("\\\\", "\\").replaceAll("^\"(.*)\"$", "$1");
    try {
      return Double.toString(Double.parseDouble(s));
    } catch (NumberFormatException e) {
      return s;
    }
  }
}
