package dev.bigram.output;

import dev.bigram.math.FloatArrays;
import dev.bigram.model.BigramModel;
import dev.bigram.model.LowRank;
import dev.bigram.model.SparsePairs;
import dev.bigram.optim.OptimizerState;
import dev.bigram.train.Checkpoint;
import dev.bigram.train.EpochRecord;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checkpoints of a staged run, in {@code <staging>/_checkpoints/}:
 *
 * <pre>
 *   epoch-000012/arrays.bin   W, b, the best W and b, the optimizer's moments (little-endian float32)
 *   epoch-000012/state.json   epoch, optimizer steps, early-stopping state, history, settings, data fingerprint,
 *                             the state of listeners (the pair trace)
 * </pre>
 *
 * A checkpoint is written into {@code _tmp-epoch-000012-<uuid>/}, {@code state.json} last, then renamed to
 * {@code epoch-000012} in one step; only then are older checkpoints (and leftovers of interrupted writes)
 * deleted. So there is always one complete checkpoint, except before the first. {@code arrays.bin} layout:
 *
 * <pre>
 *   int magic 0x42474B31 ("BGK1"), int V, byte hasBias, byte hasMoments
 *   W[V*V], b[V]?, bestW[V*V], bestB[V]?, then with moments: steps long, mW[V*V], vW[V*V], mB[V]?, vB[V]?
 * </pre>
 *
 * A dense model with low-rank factors of rank {@code r} has its own magic number and an int {@code r} after the
 * flags; its weight arrays, and {@code mW} and {@code vW}, have {@code V * V + 2 r V} entries (the factors behind
 * {@code W}).
 */
public final class CheckpointStore {
  static final String STATE = "state.json";
  static final String ARRAYS = "arrays.bin";
  static final int MAGIC = 0x42474B31;
  /** A sparse model's arrays: the pairs follow the header, and every weight array has one entry per pair. */
  static final int MAGIC_SPARSE = 0x42474B53;
  /** {@code arrays.bin} of a dense model with low-rank factors: the rank follows the flags, the factors W. */
  static final int MAGIC_LOW_RANK = 0x42474B52;
  private static final Pattern NAME = Pattern.compile("epoch-(\\d{6,})");

  private final FileSystem fs;
  private final Path dir;

  /** A checkpoint on disk. */
  public record Saved(int epoch, Path dir) {}

  public CheckpointStore(FileSystem fs, Path dir) {
    this.fs = fs;
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public FileSystem fileSystem() {
    return fs;
  }

  static String name(int epoch) {
    return String.format(Locale.ROOT, "epoch-%06d", epoch);
  }

  /** Writes {@code c} atomically, then deletes every older checkpoint; returns where it is. */
  public Saved write(Checkpoint c) throws IOException {
    fs.mkdirs(dir);
    Path tmp = new Path(dir, "_tmp-" + name(c.epoch()) + "-" + UUID.randomUUID());
    fs.mkdirs(tmp);
    long bytes;
    try (FSDataOutputStream raw = fs.create(new Path(tmp, ARRAYS), false);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 20))) {
      writeArrays(out, c);
      out.flush();
      bytes = raw.getPos();
    }
    try (FSDataOutputStream out = fs.create(new Path(tmp, STATE), false)) {
      out.write(Json.pretty(state(c, bytes)).getBytes(StandardCharsets.UTF_8));
    }
    Path target = new Path(dir, name(c.epoch()));
    if (fs.exists(target)) {
      fs.delete(target, true);
    }
    if (!fs.rename(tmp, target)) {
      throw new IOException("could not rename checkpoint " + tmp + " to " + target);
    }
    for (FileStatus s : fs.listStatus(dir)) {
      if (!s.getPath().getName().equals(target.getName())) {
        fs.delete(s.getPath(), true);
      }
    }
    return new Saved(c.epoch(), target);
  }

  /** The newest complete checkpoint on disk, if any. */
  public Optional<Saved> latest() throws IOException {
    if (!fs.exists(dir)) return Optional.empty();
    Saved best = null;
    for (FileStatus s : fs.listStatus(dir)) {
      Matcher m = NAME.matcher(s.getPath().getName());
      if (s.isDirectory() && m.matches() && fs.exists(new Path(s.getPath(), STATE))) {
        int epoch = Integer.parseInt(m.group(1));
        if (best == null || epoch > best.epoch()) best = new Saved(epoch, s.getPath());
      }
    }
    return Optional.ofNullable(best);
  }

  /** Reads a checkpoint whole; throws {@link IOException} if it is incomplete or inconsistent. */
  public Checkpoint read(Saved saved) throws IOException {
    Map<String, Object> state = Json.read(fs, new Path(saved.dir(), STATE));
    Path arrays = new Path(saved.dir(), ARRAYS);
    long expected = ((Number) state.get("arrays_bytes")).longValue();
    long actual = fs.getFileStatus(arrays).getLen();
    if (actual != expected) {
      throw new IOException(arrays + " has " + actual + " bytes, state.json says " + expected);
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(fs.open(arrays), 1 << 20))) {
      return readArrays(in, state);
    }
  }

  // ---- arrays.bin ---------------------------------------------------------------------------------------

  private static void writeArrays(DataOutputStream out, Checkpoint c) throws IOException {
    BigramModel m = c.model();
    int v = m.numClasses();
    OptimizerState s = c.optimizerState();
    boolean moments = s.weightMean() != null;
    int n = Math.toIntExact(m.numWeights());
    out.writeInt(m.isSparse() ? MAGIC_SPARSE : m.rank() > 0 ? MAGIC_LOW_RANK : MAGIC);
    out.writeInt(v);
    out.writeBoolean(m.hasBias());
    out.writeBoolean(moments);
    if (m.rank() > 0) out.writeInt(m.rank());
    if (m.isSparse()) {
      out.writeInt(n);
      FloatArrays.write(out, m.pairs().rowStarts(), 0, v + 1);
      FloatArrays.write(out, m.pairs().columns(), 0, n);
    }
    writeModel(out, m);
    writeModel(out, c.best());
    if (moments) {
      out.writeLong(s.steps());
      FloatArrays.write(out, s.weightMean(), 0, n);
      FloatArrays.write(out, s.weightVariance(), 0, n);
      if (m.hasBias()) {
        FloatArrays.write(out, s.biasMean(), 0, v);
        FloatArrays.write(out, s.biasVariance(), 0, v);
      }
    }
  }

  private static void writeModel(DataOutputStream out, BigramModel m) throws IOException {
    int v = m.numClasses();
    FloatArrays.write(out, m.weights(), 0, m.weights().length);
    if (m.hasBias()) FloatArrays.write(out, m.bias(), 0, v);
  }

  private static Checkpoint readArrays(DataInputStream in, Map<String, Object> state) throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC && magic != MAGIC_SPARSE && magic != MAGIC_LOW_RANK) {
      throw new IOException("not a checkpoint (bad magic number)");
    }
    int v = in.readInt();
    boolean bias = in.readBoolean();
    boolean moments = in.readBoolean();
    int rank = magic == MAGIC_LOW_RANK ? in.readInt() : 0;
    SparsePairs pairs = null;
    if (magic == MAGIC_SPARSE) {
      int entries = in.readInt();
      int[] rowStart = FloatArrays.readInts(in, v + 1);
      pairs = new SparsePairs(v, rowStart, FloatArrays.readInts(in, entries));
    }
    int n = pairs == null ? Math.toIntExact(LowRank.length(v, rank)) : pairs.size();
    BigramModel model = readModel(in, v, pairs, bias, n);
    BigramModel best = readModel(in, v, pairs, bias, n);
    OptimizerState opt = OptimizerState.NONE;
    if (moments) {
      long steps = in.readLong();
      float[] mW = FloatArrays.readFloats(in, n);
      float[] vW = FloatArrays.readFloats(in, n);
      float[] mB = bias ? FloatArrays.readFloats(in, v) : null;
      float[] vB = bias ? FloatArrays.readFloats(in, v) : null;
      opt = new OptimizerState(steps, mW, vW, mB, vB);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> es = (Map<String, Object>) state.get("early_stopping");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> history = (List<Map<String, Object>>) state.get("history");
    List<EpochRecord> records = new ArrayList<>(history.size());
    for (Map<String, Object> h : history) records.add(record(h));
    @SuppressWarnings("unchecked")
    Map<String, String> settings = (Map<String, String>) state.get("settings");
    @SuppressWarnings("unchecked")
    Map<String, Object> data = (Map<String, Object>) state.get("data");
    @SuppressWarnings("unchecked")
    Map<String, Object> start = (Map<String, Object>) state.get("start");
    @SuppressWarnings("unchecked")
    Map<String, Object> listeners = (Map<String, Object>) state.getOrDefault("listeners", Map.of());
    return new Checkpoint(((Number) state.get("epoch")).intValue(), model, best, (String) state.get("optimizer"),
        opt, number(es.get("best_loss"), Double.POSITIVE_INFINITY), ((Number) es.get("best_epoch")).intValue(),
        ((Number) es.get("epochs_without_improvement")).intValue(), records, settings, data,
        new LinkedHashMap<>(start), listeners);
  }

  private static BigramModel readModel(DataInputStream in, int v, SparsePairs pairs, boolean bias, int n)
      throws IOException {
    float[] w = FloatArrays.readFloats(in, n);
    float[] b = bias ? FloatArrays.readFloats(in, v) : null;
    return new BigramModel(v, pairs, w, b);
  }

  // ---- state.json ---------------------------------------------------------------------------------------

  private static Map<String, Object> state(Checkpoint c, long arraysBytes) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("format", 1);
    s.put("epoch", c.epoch());
    s.put("optimizer", c.optimizer());
    s.put("optimizer_steps", c.optimizerState().steps());
    Map<String, Object> es = new LinkedHashMap<>();
    es.put("best_loss", c.bestLoss());
    es.put("best_epoch", c.bestEpoch());
    es.put("epochs_without_improvement", c.epochsWithoutImprovement());
    s.put("early_stopping", es);
    s.put("arrays_bytes", arraysBytes);
    s.put("settings", c.settings());
    s.put("data", c.data());
    s.put("start", c.start());
    s.put("listeners", c.listeners());
    List<Map<String, Object>> history = new ArrayList<>();
    for (EpochRecord r : c.history()) history.add(map(r));
    s.put("history", history);
    return s;
  }

  /** Doubles are written with Java's shortest round-trip text, so they read back bit for bit. */
  private static Map<String, Object> map(EpochRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", r.epoch());
    m.put("train_loss", r.trainLoss());
    m.put("validation_loss", r.validationLoss());
    m.put("learning_rate", r.learningRate());
    m.put("grad_norm", r.gradNorm());
    m.put("seconds", r.seconds());
    m.put("status", r.status());
    m.put("floor_gap", r.floorGap());
    m.put("is_best", r.best());
    m.put("broadcast_bytes", r.broadcastBytes());
    m.put("broadcast_seconds", r.broadcastSeconds());
    m.put("aggregate_seconds", r.aggregateSeconds());
    m.put("gradient_bytes", r.resultBytes());
    m.put("update_seconds", r.updateSeconds());
    return m;
  }

  private static EpochRecord record(Map<String, Object> m) {
    return new EpochRecord(((Number) m.get("epoch")).intValue(), number(m.get("train_loss"), Double.NaN),
        number(m.get("validation_loss"), Double.NaN), number(m.get("learning_rate"), Double.NaN),
        number(m.get("grad_norm"), Double.NaN), number(m.get("seconds"), 0), (String) m.get("status"),
        number(m.get("floor_gap"), Double.NaN), (Boolean) m.get("is_best"),
        ((Number) m.get("broadcast_bytes")).longValue(), number(m.get("broadcast_seconds"), 0),
        number(m.get("aggregate_seconds"), 0), ((Number) m.get("gradient_bytes")).longValue(),
        number(m.get("update_seconds"), 0));
  }

  /** JSON has no NaN or infinity ({@link Json} writes them as null): null reads back as {@code ifNull}. */
  private static double number(Object o, double ifNull) {
    return o == null ? ifNull : ((Number) o).doubleValue();
  }
}
