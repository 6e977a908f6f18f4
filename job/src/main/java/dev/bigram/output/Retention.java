package dev.bigram.output;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code publish.keep-runs}: after a publish, an output directory keeps its newest published runs (by the time
 * of their {@code _SUCCESS}) and always the one LATEST names; older runs are deleted, with whatever a crashed
 * attempt left of them in {@code _staging/}. Their rows stay in the cumulative history. A nightly job writes
 * 0.4 to 2 GB a night: without this, the output directory grows without end.
 */
public final class Retention {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

  private Retention() {}

  /** Deletes published runs beyond the {@code keep} newest (0: keeps all); never the run LATEST names. */
  public static void keepNewest(FileSystem fs, Path outputDir, int keep) {
    if (keep <= 0) return;
    try {
      String latest = readLatest(fs, outputDir);
      List<FileStatus> runs = new ArrayList<>();
      for (FileStatus s : fs.listStatus(outputDir)) {
        String name = s.getPath().getName();
        Path success = new Path(s.getPath(), RunFiles.SUCCESS);
        if (s.isDirectory() && !name.startsWith("_") && !name.startsWith(".") && fs.exists(success)) {
          runs.add(fs.getFileStatus(success));
        }
      }
      runs.sort(Comparator.comparingLong(FileStatus::getModificationTime).reversed());
      for (int i = keep; i < runs.size(); i++) {
        Path dir = runs.get(i).getPath().getParent();
        if (dir.getName().equals(latest)) continue;
        fs.delete(dir, true);
        // Its leftovers in staging go too, unless a process holds that id's lock (a rerun is writing there).
        Path staging = new Path(outputDir, RunFiles.STAGING);
        if (!fs.exists(new Path(staging, dir.getName() + ".lock"))) fs.delete(new Path(staging, dir.getName()), true);
        LOG.info("publish.keep-runs = {}: deleted the older run {}", keep, dir.getName());
      }
    } catch (IOException e) {
      // The new run is published: failing to tidy up older ones must not turn that into a failure.
      LOG.warn("publish.keep-runs: could not delete older runs in {} ({}); they stay", outputDir, e.getMessage());
    }
  }

  private static String readLatest(FileSystem fs, Path outputDir) throws IOException {
    Path latest = new Path(outputDir, RunFiles.LATEST);
    if (!fs.exists(latest)) return null;
    try (InputStream in = fs.open(latest)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
  }
}
