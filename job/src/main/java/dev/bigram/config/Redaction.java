package dev.bigram.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of what the job writes down: the effective configuration in the run directory, and log
 * lines. A secret is the value of a key whose name contains {@code password}, {@code secret}, {@code token} (not
 * {@code tokenizer}, {@code tokens} or {@code token-length}), {@code access key} (also {@code access.key},
 * {@code access_key}, {@code accesskey}), {@code account.key} or {@code private key}, in any case, and the password of a URL's user info ({@code s3a://user:password@bucket/}).
 */
public final class Redaction {
  /** What replaces a secret. */
  public static final String MASK = "<redacted>";

  /**
   * "token" but not "tokenizer", "tokenise", "tokens" (a count) or "token-length" (tokenizer.max-token-length);
   * also Azure's {@code fs.azure.account.key.<account>} and private keys.
   */
  private static final String SECRET_WORDS =
      "password|secret|token(?!i[sz]|s(?![a-z])|[-_.]?length)|access.?key|account\\.key|private.?key";
  private static final Pattern SECRET_KEY = Pattern.compile(SECRET_WORDS, Pattern.CASE_INSENSITIVE);
  /** {@code scheme://user:password@}: group 1 keeps {@code scheme://user:}. */
  private static final Pattern URL_PASSWORD = Pattern.compile("(\\b[A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@]*:)[^@/\\s]+@");
  /**
   * {@code key=value}, {@code key: value}, {@code "key": "value"} and {@code key = "value"} where the key names a
   * secret: group 1 is everything up to the value, group 2 the value (quoted, or up to a blank, comma, ';' or '&').
   */
  private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
      "([\\w.\\-\"]*(?i:" + SECRET_WORDS + ")[\\w.\\-\"]*\\s*[=:]\\s*)(\"[^\"]*\"|[^\\s,;&}\\]]+)");

  private Redaction() {}

  /** Whether the value of {@code key} (a HOCON path, a property name, a header name) is a secret. */
  public static boolean isSecret(String key) {
    return SECRET_KEY.matcher(key).find();
  }

  /** The same configuration with every secret value replaced by {@link #MASK}. */
  public static Config redact(Config config) {
    Config out = config;
    for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
      String key = e.getKey();
      ConfigValue value = e.getValue();
      if (isSecret(key)) {
        out = out.withValue(key, ConfigValueFactory.fromAnyRef(MASK));
      } else if (value.valueType() == ConfigValueType.STRING) {
        String s = (String) value.unwrapped();
        String masked = redactUrls(s);
        if (!masked.equals(s)) out = out.withValue(key, ConfigValueFactory.fromAnyRef(masked));
      } else if (value.valueType() == ConfigValueType.LIST) {
        String rendered = value.render(ConfigRenderOptions.concise());
        String masked = redactUrls(rendered);
        if (!masked.equals(rendered)) {
          out = out.withValue(key, com.typesafe.config.ConfigFactory.parseString("v = " + masked).getValue("v"));
        }
      }
    }
    return out;
  }

  /** The configuration as HOCON, secrets masked, without origin comments: what {@code config.conf} holds. */
  public static String render(Config config) {
    return redact(config).root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
  }

  /**
   * A line of text (a log line, a command line, an error message) with secret assignments and URL passwords
   * masked.
   */
  public static String redactText(String line) {
    if (line == null) return null;
    Matcher m = SECRET_ASSIGNMENT.matcher(redactUrls(line));
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value = m.group(2);
      String replacement = value.startsWith("\"") ? "\"" + MASK + "\"" : MASK;
      m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + replacement));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static String redactUrls(String s) {
    return URL_PASSWORD.matcher(s).replaceAll(mr -> Matcher.quoteReplacement(mr.group(1) + MASK + "@"));
  }
}
