package dev.bigram.cli;

import dev.bigram.config.ConfigurationException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.util.VersionInfo;

/**
 * A path whose file system this Spark cannot load ({@code s3a://} without {@code hadoop-aws}, say) is a
 * configuration error (exit 2), not an internal one: retrying cannot help, adding the jar does. The message
 * names the scheme and the package to add.
 */
final class MissingFileSystem {
  private static final Pattern SCHEME = Pattern.compile("No FileSystem for scheme \"?([A-Za-z0-9+.-]+)\"?");
  private static final Pattern CLASS = Pattern.compile("org\\.apache\\.hadoop\\.fs\\.([a-z0-9]+)\\.\\w*FileSystem");
  /** The Apache Hadoop module that brings each scheme's file system. */
  private static final Map<String, String> MODULE = Map.of("s3a", "hadoop-aws", "abfs", "hadoop-azure",
      "abfss", "hadoop-azure", "wasb", "hadoop-azure", "wasbs", "hadoop-azure", "azure", "hadoop-azure",
      "oss", "hadoop-aliyun", "cos", "hadoop-cos", "obs", "hadoop-huaweicloud");

  private MissingFileSystem() {}

  /** The configuration error {@code e} stands for, when some cause in its chain is a missing file system. */
  static Optional<ConfigurationException> explain(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      String scheme = null;
      if (c.getClass().getSimpleName().equals("UnsupportedFileSystemException")) {
        Matcher s = SCHEME.matcher(m);
        scheme = s.find() ? s.group(1) : "?";
      } else if (c instanceof ClassNotFoundException || c.getClass().getSimpleName().equals("RuntimeException")
          && m.contains("ClassNotFoundException")) {
        Matcher k = CLASS.matcher(m);
        if (k.find()) scheme = k.group(1);
      }
      if (scheme != null) return Optional.of(new ConfigurationException(List.of(message(scheme, m))));
    }
    return Optional.empty();
  }

  private static String message(String scheme, String detail) {
    String module = MODULE.get(scheme.toLowerCase(java.util.Locale.ROOT));
    String add = module == null
        ? "add the jar of its Hadoop file system to the job (spark-submit --jars or --packages)"
        : "add it with --packages org.apache.hadoop:" + module + ":" + VersionInfo.getVersion()
            + " (the Hadoop version of this Spark) before the command";
    return "no file system for scheme " + scheme + ":// in this Spark (" + detail.lines().findFirst().orElse("")
        + "): " + add;
  }
}
