package dev.bigram.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in text the job writes or prints: the user:password part of URIs
 * ({@code s3a://KEY:SECRET@bucket/} becomes {@code s3a://*****@bucket/}), and the values of keys whose names say
 * they are secret ({@code fs.s3a.secret.key = abc}, {@code "password": "abc"}, {@code token=abc}). Applied to
 * every error line, the job's own log lines that carry user-given paths, and the effective-config dump.
 */
public final class Redaction {
  public static final String MASK = "*****";

  /**
   * A key holding a secret: Hadoop, S3, Azure, GCS, JDBC and OAuth credentials. "token" counts only as the
   * last part of a key ({@code fs.s3a.session.token}), so that {@code tokenizer.max-token-length} is not one.
   */
  static final String SECRET_KEY_TEXT = "(?:[\\w.-]*(?:secret|password|passwd|pwd|credential|access[._-]?key"
      + "|private[._-]?key|session[._-]?key|account[._-]?key|signature|sas[._-]?key)[\\w.-]*|[\\w.-]*token)";
  private static final Pattern SECRET_KEY = Pattern.compile("(?i)" + SECRET_KEY_TEXT);
  /** scheme://userinfo@ : the userinfo is masked whatever it holds. */
  private static final Pattern URI_USERINFO = Pattern.compile("\\b([a-zA-Z][a-zA-Z0-9+.-]*://)([^/\\s@\"']+)@");
  /** key = value, key: value, "key" : "value", --conf key=value, with a secret-looking key. */
  private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
      "(?i)(" + SECRET_KEY_TEXT + "[\"']?\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s,;}\\]\"']+)");

  private Redaction() {}

  /** True when the configuration key holds a secret, e.g. {@code fs.s3a.secret.key}, {@code spark.ssl.keyPassword}. */
  public static boolean isSecretKey(String key) {
    return SECRET_KEY.matcher(key).matches();
  }

  /** The text with every secret masked; {@code null} stays {@code null}. */
  public static String redact(String text) {
    if (text == null) return null;
    String out = URI_USERINFO.matcher(text).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "@");
    Matcher m = SECRET_ASSIGNMENT.matcher(out);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value = m.group(2);
      String masked = value.startsWith("\"") ? "\"" + MASK + "\"" : value.startsWith("'") ? "'" + MASK + "'" : MASK;
      m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + masked));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** {@link #redact(String)} of {@code String.valueOf(value)}: for paths and lists of paths in log lines. */
  public static String redact(Object value) {
    return redact(String.valueOf(value));
  }
}
