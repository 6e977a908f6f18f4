package dev.bigram.output;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a run lives, and how it is published whole.
 *
 * <pre>
 *   &lt;output.dir&gt;/_staging/&lt;run-id&gt;.lock      held while a process writes the run ({@link RunLock})
 *   &lt;output.dir&gt;/_staging/&lt;run-id&gt;/          written while the job runs
 *   &lt;output.dir&gt;/_staging/&lt;run-id&gt;/_checkpoints/epoch-NNNNNN/   the last checkpoint (dropped at publish)
 *   &lt;output.dir&gt;/&lt;run-id&gt;/                   after publish: one atomic directory rename, _SUCCESS inside
 *   &lt;output.dir&gt;/_history/run_id=&lt;run-id&gt;/   the run's history in the cumulative table
 *   &lt;output.dir&gt;/LATEST                      the id of the newest published run, replaced atomically
 * </pre>
 *
 * Readers never see a half-written run: a directory is only ever a run once it holds {@code _SUCCESS}, and it
 * gets its final name in one rename after that file is written. Run ids cannot start with '_' or '.', so
 * {@code _staging} and {@code _history} never clash with a run, and {@code LATEST} is reserved.
 */
public final class RunDirectory {
  private static final String SUCCESS = RunFiles.SUCCESS;
  private static final String LATEST = RunFiles.LATEST;
  private static final String STAGING = RunFiles.STAGING;
  private static final String CHECKPOINTS = RunFiles.CHECKPOINTS;
  /** What follows the run id in the name of a previous run moved aside while this one is published. */
  private static final String REPLACED = ".replaced-";
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

  /**
   * A run id is one path segment of letters, digits, '.', '_' and '-', not starting with '.' or '_', and not
   * {@code LATEST} (in any case).
   */
  public static void checkRunId(String runId) {
    if (runId == null || !RUN_ID.matcher(runId).matches() || runId.contains("..")) {
      throw new IllegalArgumentException("run id '" + runId + "' is not allowed: use letters, digits, '.', '_'"
          + " and '-', starting with a letter or digit, with no '..' and no '/'");
    }
    if (runId.equalsIgnoreCase(LATEST)) {
      throw new IllegalArgumentException("run id '" + runId + "' is reserved (" + LATEST + " names the newest"
          + " run): choose another --run-id");
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

  /** Where checkpoints are written while the run is staged. */
  public Path checkpoints() {
    return new Path(staging(), CHECKPOINTS);
  }

  public FileSystem fs() {
    return fs;
  }

  public Configuration hadoop() {
    return hadoop;
  }

  /**
   * Takes this run id's lock ({@link RunLock}); every other step of a run happens while it is held. Throws
   * {@link OutputException} when the output is not a writable directory or another live process holds the lock.
   */
  public RunLock lock() {
    Path stagingRoot = new Path(outputDir, STAGING);
    try {
      checkIsDirectory();
      if (!fs.mkdirs(stagingRoot)) {
        throw new OutputException("cannot create " + stagingRoot + ": check that " + outputDir + " is writable");
      }
      return RunLock.acquire(fs, new Path(stagingRoot, runId + ".lock"), runId);
    } catch (IOException e) {
      throw new OutputException("cannot lock run " + runId + " in " + stagingRoot + " (" + e.getMessage()
          + "): check that " + outputDir + " is writable", e);
    }
  }

  private void checkIsDirectory() throws IOException {
    if (fs.exists(outputDir) && !fs.getFileStatus(outputDir).isDirectory()) {
      throw new OutputException("output " + outputDir + " is a file, not a directory: choose another --output");
    }
  }

  public boolean isPublished() throws IOException {
    return fs.exists(new Path(published(), SUCCESS));
  }

  /**
   * Puts right what a process killed in the middle of publishing this run id left (this process holds the lock
   * now): a previous run moved aside ({@code _staging/<id>.replaced-*}) goes back to its name if nothing has
   * taken it, and is deleted otherwise; the run's history partitions left aside are settled by
   * {@link CumulativeHistory#recover}.
   */
  void recoverInterruptedPublish() throws IOException {
    Path stagingRoot = new Path(outputDir, STAGING);
    FileStatus[] aside = fs.exists(stagingRoot)
        ? fs.listStatus(stagingRoot, p -> AsideNames.is(p.getName(), runId + REPLACED))
        : new FileStatus[0];
    for (FileStatus old : aside) {
      Path target = published();
      if (!fs.exists(target) && fs.rename(old.getPath(), target)) {
        org.slf4j.LoggerFactory.getLogger(RunDirectory.class).warn("Run {}: a publish was interrupted; the previous"
            + " run was moved back to {}", runId, target);
      } else {
        fs.delete(old.getPath(), true);
      }
    }
    Path success = new Path(published(), SUCCESS);
    CumulativeHistory.recover(fs, outputDir, runId,
        fs.exists(success) ? fs.getFileStatus(success).getModificationTime() : Long.MIN_VALUE);
  }

  /**
   * Prepares the staging directory; refuses a run id that is already complete unless {@code overwrite}. A
   * leftover staging directory of the same id (a run that died) is emptied; with {@code keepCheckpoints}
   * (resume) its {@code _checkpoints/} stay.
   */
  public void prepare(boolean overwrite, boolean keepCheckpoints) {
    try {
      checkIsDirectory();
      recoverInterruptedPublish();
      if (isPublished() && !overwrite) {
        throw new OutputException("run " + runId + " is already complete in " + outputDir
            + ": choose another --run-id or pass --overwrite");
      }
      if (fs.exists(staging())) {
        for (FileStatus child : fs.listStatus(staging())) {
          if (!(keepCheckpoints && child.getPath().getName().equals(CHECKPOINTS))) {
            fs.delete(child.getPath(), true);
          }
        }
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
   * Removes what a failed run left in its staging directory (best effort: a failure to remove it is logged), so
   * that a full disk gets its space back and nothing half-written lingers. Checkpoints are kept, for
   * {@code --resume}. Published runs and LATEST are not touched.
   */
  public void discard() {
    try {
      if (!fs.exists(staging())) return;
      if (!fs.exists(checkpoints())) {
        fs.delete(staging(), true);
        return;
      }
      for (FileStatus child : fs.listStatus(staging())) {
        if (!child.getPath().getName().equals(CHECKPOINTS)) fs.delete(child.getPath(), true);
      }
    } catch (IOException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(RunDirectory.class).warn("Could not clean the staging directory {} ({});"
          + " remove it by hand", dev.bigram.config.Redaction.redactText(String.valueOf(staging())), e.toString());
    }
  }

  /** Writes a small text file inside the staging directory. */
  public void writeText(String name, String text) throws IOException {
    writeText(new Path(staging(), name), text);
  }

  /** Writes a small binary file (a chart) inside the staging directory. */
  public void writeBytes(String name, byte[] bytes) throws IOException {
    try (FSDataOutputStream out = fs.create(new Path(staging(), name), true)) {
      out.write(bytes);
    }
  }

  private void writeText(Path path, String text) throws IOException {
    try (FSDataOutputStream out = fs.create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** What {@link #publish} does once the run has its name, before LATEST moves. */
  @FunctionalInterface
  public interface Published {
    void run() throws IOException;
  }

  /**
   * Writes {@code _SUCCESS} and LATEST's new content, drops the checkpoints, renames the staging directory to its
   * final name, runs {@code whenNamed} and points LATEST at the run (unless {@code updateLatest} is false: a run
   * that failed its quality gate is kept but not made LATEST). A
   * complete run of the same id (--overwrite) is moved aside first and deleted after, so the id names the old
   * run, then nothing for an instant, then the new run. Once the run has its name, {@code whenNamed} (described
   * by {@code whenNamedWhat}) and the deletion of the replaced run are logged as warnings if they fail; a LATEST
   * that cannot be moved is an {@link OutputException} that says the run was published.
   */
  public Path publish(boolean updateLatest, Published whenNamed, String whenNamedWhat) throws IOException {
    // Every byte is written before the first rename: a disk that fills up fails the run with nothing published,
    // and with its checkpoints still there for --resume.
    writeText(new Path(staging(), SUCCESS), runId + "\n");
    Path latest = new Path(outputDir, LATEST);
    Path latestTmp = updateLatest ? AtomicFiles.stage(fs, latest, new Path(outputDir, STAGING),
        (runId + "\n").getBytes(StandardCharsets.UTF_8)) : null;
    Path target = published();
    Path replaced = null;
    try {
      if (fs.exists(checkpoints())) {
        fs.delete(checkpoints(), true);
      }
      if (fs.exists(target)) {
        replaced = new Path(new Path(outputDir, STAGING), AsideNames.of(runId + REPLACED));
        if (!fs.rename(target, replaced)) {
          throw new OutputException("could not move the previous run " + target + " aside to " + replaced);
        }
      }
      boolean renamed;
      try {
        renamed = fs.rename(staging(), target);
      } catch (IOException | RuntimeException e) {
        if (replaced != null) restore(replaced, target, e);
        throw e;
      }
      if (!renamed) {
        OutputException e = new OutputException("could not rename " + staging() + " to " + target);
        if (replaced != null) restore(replaced, target, e);
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      deleteQuietly(latestTmp, e);
      throw e;
    }
    warnIfFails(whenNamed, whenNamedWhat);
    if (replaced != null) {
      Path old = replaced;
      warnIfFails(() -> fs.delete(old, true), "deleting the replaced run " + old);
    }
    if (latestTmp != null) {
      try {
        AtomicFiles.commit(fs, hadoop, latestTmp, latest);
      } catch (IOException | RuntimeException e) {
        deleteQuietly(latestTmp, e);
        throw new OutputException("run " + runId + " was published as " + target + ", but " + latest
            + " could not be pointed at it (" + OutputFailure.rootMessage(e) + "): write the line '" + runId
            + "' into it, or train again with --overwrite", e);
      }
    }
    return target;
  }

  /**
   * Puts the replaced run back after a failed rename. If that fails too, the previous run is only at
   * {@code replaced}: an {@link OutputException} that says where, and how to put it back, replaces {@code cause}.
   */
  private void restore(Path replaced, Path target, Exception cause) {
    boolean back;
    try {
      back = !fs.exists(target) && fs.rename(replaced, target);
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
      back = false;
    }
    if (!back) {
      OutputException stranded = new OutputException("publishing run " + runId + " failed ("
          + OutputFailure.rootMessage(cause) + ") and the previous run could not be moved back: it is in "
          + replaced + "; move it to " + target + " by hand", cause);
      throw stranded;
    }
  }

  private static void warnIfFails(Published action, String what) {
    try {
      action.run();
    } catch (IOException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(RunDirectory.class).warn("The run is published, but {} failed ({})", what,
          e.toString());
    }
  }

  private void deleteQuietly(Path p, Exception cause) {
    if (p == null) return;
    try {
      fs.delete(p, false);
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e); // a stray LATEST.*.tmp in _staging is never read
    }
  }
}
