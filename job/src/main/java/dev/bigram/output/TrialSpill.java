package dev.bigram.output;

import dev.bigram.math.FloatArrays;
import dev.bigram.model.BigramModel;
import dev.bigram.model.SparsePairs;
import dev.bigram.optim.OptimizerState;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

/**
 * The L2 search's best trial so far, parked on the driver's local disk while the next trial trains from it: its
 * best model and its optimizer's state without the first moments (the steps and the second moments).
 *
 * <p>A warm trial starts from the best trial's arrays. Handing those arrays over to the new trial, rather than
 * copying them, keeps the driver at one training's matrices (at V = 10,000 with Adam, 800 MB less), and this file
 * is what gives them back when the new trial does no better. It holds raw little-endian float32 in the
 * scratch directory of the driver ({@link #scratchDir}), is replaced whole (written beside, then moved), and is
 * deleted by {@link #close}.
 *
 * <pre>
 *   long steps, long numWeights, int V, byte hasBias, byte hasVariances,
 *   W[numWeights], b[V]?, then with variances: vW[numWeights], vB[V]?
 * </pre>
 */
public final class TrialSpill implements AutoCloseable {
  private static final int BUFFER = 1 << 20;
  private final Path dir;
  private final String prefix;
  private Path file;

  /**
   * The parked trial of run {@code runId} in {@code dir}. A file that an earlier attempt of the same run left
   * behind (killed before it could delete it) is deleted now: one run id trains in one process at a time.
   */
  public TrialSpill(Path dir, String runId) {
    this.dir = dir;
    this.prefix = "bigram-l2-trial-" + runId + "-";
    // Only this run's names: the prefix, then the digits Files.createTempFile adds (run "r1" is not "r1-5").
    java.util.regex.Pattern ours = java.util.regex.Pattern.compile(
        java.util.regex.Pattern.quote(prefix) + "\\d+\\.(bin|tmp)");
    try (java.util.stream.Stream<Path> old = Files.isDirectory(dir) ? Files.list(dir)
        : java.util.stream.Stream.empty()) {
      old.filter(p -> ours.matcher(p.getFileName().toString()).matches()).forEach(TrialSpill::deleteQuietly);
    } catch (IOException | java.io.UncheckedIOException ignored) {
      // nothing to clean, or not readable: the first write says what is wrong
    }
  }

  /**
   * The driver's scratch directory, as Spark chooses its own: the first of {@code SPARK_LOCAL_DIRS} (set by
   * cluster managers), else of {@code spark.local.dir}, else {@code java.io.tmpdir}.
   */
  public static Path scratchDir(String sparkLocalDirsEnv, String sparkLocalDir) {
    for (String dirs : new String[] {sparkLocalDirsEnv, sparkLocalDir}) {
      if (dirs != null && !dirs.isBlank()) return Paths.get(dirs.split(",")[0].trim());
    }
    return Paths.get(System.getProperty("java.io.tmpdir"));
  }

  /** Parks {@code model} and {@code state} (its first moments are not kept), replacing what was parked. */
  public void write(BigramModel model, OptimizerState state) {
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, prefix, ".tmp");
      tmp.toFile().deleteOnExit();
      boolean variances = state.weightVariance() != null;
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp),
          BUFFER))) {
        out.writeLong(state.steps());
        out.writeLong(model.numWeights());
        out.writeInt(model.numClasses());
        out.writeByte(model.hasBias() ? 1 : 0);
        out.writeByte(variances ? 1 : 0);
        FloatArrays.write(out, model.weights(), 0, model.weights().length);
        if (model.hasBias()) FloatArrays.write(out, model.bias(), 0, model.numClasses());
        if (variances) {
          FloatArrays.write(out, state.weightVariance(), 0, state.weightVariance().length);
          if (model.hasBias()) FloatArrays.write(out, state.biasVariance(), 0, model.numClasses());
        }
      }
      if (file == null) {
        file = Files.createTempFile(dir, prefix, ".bin");
        file.toFile().deleteOnExit();
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new OutputException("cannot park the best L2 trial's model in " + dir + " (" + e
          + "): free space there, or point spark.local.dir (SPARK_LOCAL_DIRS on a cluster) at a disk with room for"
          + " it", e);
    }
  }

  /** A parked trial, in fresh arrays that the caller owns. */
  public record Parked(BigramModel model, OptimizerState state) {}

  /**
   * Reads back what {@link #write} parked; {@code pairs} are the sparse model's (null for a dense one). Without
   * {@code withState}, the model alone (the optimizer's state is not read: nothing will train it).
   */
  public Parked read(SparsePairs pairs, boolean withState) {
    if (file == null) throw new IllegalStateException("no trial parked");
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER))) {
      long steps = in.readLong();
      int numWeights = Math.toIntExact(in.readLong());
      int v = in.readInt();
      boolean bias = in.readByte() == 1;
      boolean variances = in.readByte() == 1;
      float[] w = FloatArrays.readFloats(in, numWeights);
      float[] b = bias ? FloatArrays.readFloats(in, v) : null;
      BigramModel model = pairs == null ? new BigramModel(v, w, b) : new BigramModel(v, pairs, w, b);
      if (!withState) return new Parked(model, null);
      if (!variances) return new Parked(model, new OptimizerState(steps, null, null, null, null));
      float[] vW = FloatArrays.readFloats(in, numWeights);
      float[] vB = bias ? FloatArrays.readFloats(in, v) : null;
      return new Parked(model, new OptimizerState(steps, null, vW, null, vB));
    } catch (IOException | RuntimeException e) {
      throw new OutputException("cannot read back the best L2 trial's model from " + file + " (" + e
          + "): was the driver's scratch directory " + dir + " cleaned during the run? Run again", e);
    }
  }

  /** Whether a trial is parked. */
  public boolean holdsTrial() {
    return file != null;
  }

  /** Deletes the parked trial. */
  @Override
  public void close() {
    deleteQuietly(file);
    file = null;
  }

  private static void deleteQuietly(Path p) {
    if (p == null) return;
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // deleteOnExit was registered when it was created
    }
  }
}
