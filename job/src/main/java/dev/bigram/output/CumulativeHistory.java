package dev.bigram.output;

import dev.bigram.train.EpochRecord;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.LoggerFactory;

/**
 * The history of every published run in one table, partitioned by run id:
 * {@code <output.dir>/_history/run_id=<run-id>/part-*.parquet}, the columns of {@link HistoryTable} but
 * {@code run_id}, which comes from the directory name. Every night's learning curve at once:
 *
 * <pre>
 *   spark.read().parquet("runs/_history")   // Spark (all-numeric ids: turn off partitionColumnTypeInference)
 *   SELECT * FROM read_parquet('runs/_history/run_id=*&#47;*.parquet', hive_partitioning = true)  -- DuckDB
 * </pre>
 *
 * A partition appears in one rename, after its files are complete and its run is published: it is written under
 * {@code _history/_pending-<id>-<uuid>/} (a name that Spark's partition discovery skips) and renamed into
 * place; a partition of the same id (a run republished with --overwrite) is replaced then, and kept if the
 * republish fails.
 */
public final class CumulativeHistory {
  public static final String DIR = "_history";
  public static final String PARTITION_COLUMN = "run_id";
  /** Prefixes of partitions put aside: written before the publish, and replaced after it. */
  private static final String PENDING = "_pending-";
  private static final String REPLACED = "_replaced-";

  private CumulativeHistory() {}

  public static Path partition(Path outputDir, String runId) {
    return new Path(new Path(outputDir, DIR), PARTITION_COLUMN + "=" + runId);
  }

  /**
   * Writes the partition of {@code runId} where no reader looks yet; {@link Pending#commit} puts it in place
   * (replacing a partition of the same id) once the run is published, {@link Pending#discard} drops it if not.
   * The files are written before the run is published, so that a disk that fills up fails the run before
   * anything is published; the commit is renames only.
   */
  public static Pending stage(SparkSession spark, FileSystem fs, Path outputDir, String runId,
      List<EpochRecord> history) {
    Path table = new Path(outputDir, DIR);
    Path pending = new Path(table, AsideNames.of(PENDING + runId + "-"));
    Pending staged = new Pending(fs, table, pending, partition(outputDir, runId), runId);
    try {
      spark.createDataFrame(HistoryTable.rows(runId, history), HistoryTable.SCHEMA).drop(PARTITION_COLUMN)
          .coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(pending.toString());
    } catch (RuntimeException e) {
      staged.discardAfter(e);
      throw e;
    }
    return staged;
  }

  /**
   * Settles what a process killed while publishing {@code runId} left in the table. A partition moved aside
   * ({@code _replaced-<id>-*}) described a replaced run: deleted. A partition written aside
   * ({@code _pending-<id>-*}) belongs to the published run when it is not newer than that run's
   * {@code _SUCCESS} (written after it): it is renamed into place; otherwise its run was never published and
   * it is deleted.
   */
  static void recover(FileSystem fs, Path outputDir, String runId, long publishedSuccessTime) throws IOException {
    Path table = new Path(outputDir, DIR);
    if (!fs.exists(table)) return;
    for (FileStatus s : fs.listStatus(table, p -> AsideNames.is(p.getName(), REPLACED + runId + "-"))) {
      fs.delete(s.getPath(), true);
    }
    FileStatus[] pending = fs.listStatus(table, p -> AsideNames.is(p.getName(), PENDING + runId + "-"));
    long[] written = new long[pending.length];
    Integer[] order = new Integer[pending.length];
    for (int i = 0; i < pending.length; i++) {
      order[i] = i;
      // When its files were written (a directory's own time is not kept by every store).
      for (FileStatus f : fs.listStatus(pending[i].getPath())) {
        written[i] = Math.max(written[i], f.getModificationTime());
      }
    }
    java.util.Arrays.sort(order, java.util.Comparator.comparingLong(i -> written[i]));
    for (int n = 0; n < order.length; n++) {
      int i = order[n];
      Path p = pending[i].getPath();
      boolean newest = n == order.length - 1;
      if (newest && written[i] <= publishedSuccessTime) {
        new Pending(fs, table, p, partition(outputDir, runId), runId).commit();
        LoggerFactory.getLogger(CumulativeHistory.class).warn("Run {}: a publish was interrupted; its history was"
            + " put in {}", runId, partition(outputDir, runId));
      } else {
        fs.delete(p, true);
      }
    }
  }

  /** A written partition, not yet in place. */
  public record Pending(FileSystem fs, Path table, Path pending, Path target, String runId) {
    /**
     * Renames the partition into place, once the run is published. A partition of the same id describes the run
     * that was just replaced, so it is moved aside and deleted whatever happens; if the rename fails, the error
     * says where the new partition is, to be moved by hand (never the old one put back under the new run's id).
     */
    public void commit() throws IOException {
      Path old = null;
      if (fs.exists(target)) {
        old = new Path(table, AsideNames.of(REPLACED + runId + "-"));
        if (!fs.rename(target, old)) {
          throw new OutputException("could not move " + target + " (the replaced run's history) aside; the new"
              + " run's history is in " + pending + ": put it in its place by hand");
        }
      }
      Exception failure = null;
      boolean renamed = false;
      try {
        renamed = fs.rename(pending, target);
      } catch (IOException | RuntimeException e) {
        failure = e;
      }
      if (old != null) {
        try {
          fs.delete(old, true);
        } catch (IOException | RuntimeException e) {
          LoggerFactory.getLogger(CumulativeHistory.class).warn("Could not delete the replaced history {} ({});"
              + " it is not read (its name starts with '_') and can be deleted", old, e.toString());
        }
      }
      if (!renamed) {
        throw new OutputException("could not rename " + pending + " to " + target + " (" + (failure == null
            ? "the file system refused" : OutputFailure.rootMessage(failure)) + "): move it there by hand", failure);
      }
    }

    /** Deletes the written partition, if it is still there, after {@code cause}: the table keeps what it had. */
    public void discardAfter(Exception cause) {
      try {
        fs.delete(pending, true);
      } catch (IOException | RuntimeException e) {
        cause.addSuppressed(e);
      }
    }
  }
}
