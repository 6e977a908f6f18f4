package dev.bigram.output;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * Where a run lives, and how it is published whole.
 *
 * <pre>
 *   &lt;output.dir&gt;/_staging/&lt;run-id&gt;/   written while the job runs (checkpoints too)
 *   &lt;output.dir&gt;/&lt;run-id&gt;/            after publish: one atomic directory rename, _SUCCESS inside
 *   &lt;output.dir&gt;/LATEST               the id of the newest published run, replaced by an atomic rename
 * </pre>
 *
 * Readers never see a half-written run: a directory is only ever a run once it holds {@code _SUCCESS}, and it
 * gets its final name in one rename after that file is written.
 */
public final class RunDirectory {
  public static final String SUCCESS = "_SUCCESS";
  public static final String LATEST = "LATEST";
  public static final String STAGING = "_staging";
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final FileSystem fs;
  private final Configuration hadoop;
  private final Path outputDir;
  private final String runId;

  public RunDirectory(Configuration hadoop, String outputDir, String runId) {
    checkRunId(runId);
    this.hadoop = hadoop;
    try {
      Path out = new Path(outputDir);
      this.fs = out.getFileSystem(hadoop);
      this.outputDir = fs.makeQualified(out);
    } catch (IOException | IllegalArgumentException e) {
      throw new OutputException("output " + outputDir + " cannot be used (" + e.getMessage() + ")", e);
    }
    this.runId = runId;
  }

  /** A run id is one path segment of letters, digits, '.', '_' and '-', not starting with '.' or '_'. */
  public static void checkRunId(String runId) {
    if (runId == null || !RUN_ID.matcher(runId).matches() || runId.contains("..")) {
      throw new IllegalArgumentException("run id '" + runId + "' is not allowed: use letters, digits, '.', '_'"
          + " and '-', starting with a letter or digit, with no '..' and no '/'");
    }
  }

  public Path outputDir() {
    return outputDir;
  }

  public String runId() {
    return runId;
  }

  public Path staging() {
    return new Path(new Path(outputDir, STAGING), runId);
  }

  public Path published() {
    return new Path(outputDir, runId);
  }

  public FileSystem fs() {
    return fs;
  }

  public boolean isPublished() throws IOException {
    return fs.exists(new Path(published(), SUCCESS));
  }

  /**
   * Prepares an empty staging directory; refuses a run id that is already complete unless {@code overwrite}.
   * A leftover staging directory of the same id (a run that died) is removed unless {@code keepStaging}.
   */
  public void prepare(boolean overwrite, boolean keepStaging) {
    try {
      if (fs.exists(outputDir) && !fs.getFileStatus(outputDir).isDirectory()) {
        throw new OutputException("output " + outputDir + " is a file, not a directory: choose another --output");
      }
      if (isPublished() && !overwrite) {
        throw new OutputException("run " + runId + " is already complete in " + outputDir
            + ": choose another --run-id or pass --overwrite");
      }
      if (!keepStaging && fs.exists(staging())) {
        fs.delete(staging(), true);
      }
      if (!fs.mkdirs(staging())) {
        throw new OutputException("cannot create " + staging() + ": check that " + outputDir + " is writable");
      }
    } catch (IOException e) {
      throw new OutputException("cannot prepare " + staging() + " (" + e.getMessage() + "): check that "
          + outputDir + " is writable", e);
    }
  }

  /**
   * Removes the staging directory of a run that failed (best effort: a failure to remove it is logged), so that
   * a full disk gets its space back and nothing half-written lingers. Published runs and LATEST are not touched.
   */
  public void discard() {
    try {
      fs.delete(staging(), true);
    } catch (IOException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(RunDirectory.class).warn("Could not remove the staging directory {} ({});"
          + " remove it by hand", dev.bigram.config.Redaction.redact(staging()), e.toString());
    }
  }

  /** Writes a small text file inside the staging directory. */
  public void writeText(String name, String text) throws IOException {
    writeText(new Path(staging(), name), text);
  }

  private void writeText(Path path, String text) throws IOException {
    try (FSDataOutputStream out = fs.create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Writes {@code _SUCCESS}, renames the staging directory to its final name and points LATEST at it (unless
   * {@code updateLatest} is false: a run that failed its quality gate is kept but not made LATEST).
   */
  public Path publish(boolean updateLatest) throws IOException {
    // Every byte is written before the first rename: a full disk fails the run before anything is published.
    writeText(new Path(staging(), SUCCESS), runId + "\n");
    Path latestTmp = updateLatest ? new Path(new Path(outputDir, STAGING), "LATEST." + UUID.randomUUID()) : null;
    if (latestTmp != null) {
      try {
        writeText(latestTmp, runId + "\n");
      } catch (IOException e) {
        deleteQuietly(latestTmp);
        throw e;
      }
    }
    Path target = published();
    // With --overwrite the old run is moved aside, not deleted, until the new one has its name.
    Path replaced = fs.exists(target) ? new Path(new Path(outputDir, STAGING), runId + ".replaced." + UUID.randomUUID())
        : null;
    if (replaced != null && !fs.rename(target, replaced)) {
      deleteQuietly(latestTmp);
      throw new OutputException("could not move the earlier " + target + " aside to replace it; it is untouched");
    }
    if (!fs.rename(staging(), target)) {
      if (replaced != null) fs.rename(replaced, target);
      deleteQuietly(latestTmp);
      throw new OutputException("could not rename " + staging() + " to " + target);
    }
    if (replaced != null) fs.delete(replaced, true);
    if (latestTmp != null) {
      FileContext fc = FileContext.getFileContext(outputDir.toUri(), hadoop);
      fc.rename(latestTmp, new Path(outputDir, LATEST), Options.Rename.OVERWRITE);
    }
    return target;
  }

  private void deleteQuietly(Path p) {
    if (p == null) return;
    try {
      fs.delete(p, false);
    } catch (IOException e) {
      // best effort: a stray LATEST.* file in _staging is never read
    }
  }

  /**
   * Resolves a model argument: a run directory, or an output directory's {@code LATEST}. The result must hold
   * {@code _SUCCESS}.
   */
  public static Path resolveRun(Configuration hadoop, String location) throws IOException {
    Path path = new Path(location);
    FileSystem fs = path.getFileSystem(hadoop);
    path = fs.makeQualified(path);
    if (fs.isFile(path) && LATEST.equals(path.getName())) {
      path = new Path(path.getParent(), readFirstLine(fs, path));
    } else if (!fs.exists(new Path(path, SUCCESS)) && fs.isFile(new Path(path, LATEST))) {
      path = new Path(path, readFirstLine(fs, new Path(path, LATEST)));
    }
    if (!fs.exists(path)) {
      throw new dev.bigram.data.InputException("model " + location + " does not exist: pass a run directory"
          + " (or an output directory with LATEST)");
    }
    FileStatus success = fs.exists(new Path(path, SUCCESS)) ? fs.getFileStatus(new Path(path, SUCCESS)) : null;
    if (success == null) {
      throw new dev.bigram.data.InputException("model " + path + " has no " + SUCCESS
          + ": the run is incomplete and is never read as a model; pass a complete run");
    }
    return path;
  }

  private static String readFirstLine(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      String s = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      int nl = s.indexOf('\n');
      return nl < 0 ? s : s.substring(0, nl);
    }
  }


}
