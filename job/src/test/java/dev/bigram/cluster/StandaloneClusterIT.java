package dev.bigram.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigram.cli.Main;
import dev.bigram.testing.Processes;
import dev.bigram.testing.SparkTestBase;
import dev.bigram.testing.StandaloneCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real Spark standalone cluster (a master and two one-core workers on 127.0.0.1, with
 * {@code spark.authenticate} and I/O encryption on), submitted through {@code ./submit.sh}: the history equals
 * a local run's on both of the cluster's paths (the default, epochs on the driver's cores, and Spark's
 * broadcast and task results), an executor killed mid-training changes nothing, and a vocabulary too
 * large for the driver is refused before any work.
 */
class StandaloneClusterIT extends SparkTestBase {
  /** Relative: executor JVMs compile the kernel on their own schedules, and it rounds the same either way. */
  static final double TOLERANCE = 1e-9;
  static final int EPOCHS = 16;
  static final int KILL_AT_EPOCH = 5;
  /** V = 300 with a bias: the payload of all of W and of one bias vector, in bytes. */
  static final long W_BYTES = 4L * 300 * 300;
  static final long BIAS_BYTES = 4L * 300;

  /**
   * The low-rank factors a run ships beside W, through two row blocks: each block its rows of A and all of B
   * (summary.json's model_rank: model.rank = auto gives this corpus rank 8).
   */
  static long factorBytes(JsonNode summary, int blocks) {
    long r = summary.get("model_rank").asLong();
    return 4L * r * 300 + blocks * 4L * r * 300;
  }

  @TempDir
  static Path dir;
  static StandaloneCluster cluster;
  static Path authConf;
  /** The undisturbed cluster run through Spark's broadcast, shared by the tests that compare against it. */
  static Path undisturbed;
  /** The local run of the dense model, shared likewise. */
  static Path localRun;
  /** Spark's broadcast and task results, rather than the default (the driver's cores). */
  static final List<String> BROADCAST = List.of("--set", "train.cluster-exchange=broadcast");

  @BeforeAll
  static void startCluster() throws Exception {
    // Authentication on: the daemons require the secret; the job presents it
    // (docs/cluster.md, "Authentication and encryption").
    cluster = StandaloneCluster.start(dir.resolve("cluster"), StandaloneCluster.Settings.small().withAuth());
    authConf = cluster.appProperties();
    String conf = Files.readString(authConf, StandardCharsets.UTF_8);
    assertTrue(conf.contains("spark.authenticate true") && conf.contains("spark.io.encryption.enabled true"), conf);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  static String corpus() {
    return projectRoot().resolve("sample-data/kjv-excerpt.txt").toString();
  }

  /**
   * One cold training at a fixed L2: what travels differs on a cluster, not how the L2 search chooses (the
   * published trial of a search starts from an earlier trial's model, so its history would hardly fall).
   */
  static List<String> trainSettings() {
    return List.of("--set", "vocab.size=300", "--set", "train.max-epochs=" + EPOCHS,
        "--set", "early-stopping.patience=1000", "--set", "train.partitions=2", "--set", "train.l2=0.00001");
  }

  /** spark-submit options for the cluster: small driver and executors, wait for both executors to register. */
  static List<String> clusterOptions() {
    return List.of("--master", cluster.masterUrl(), "--driver-memory", "1g", "--executor-memory", "512m",
        "--properties-file", authConf.toString(), "--load-spark-defaults",
        "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0");
  }

  static String[] submitArgs(String runId, Path out, List<String> extra) {
    List<String> args = new ArrayList<>(clusterOptions());
    args.addAll(List.of("train", "--input", corpus(), "--output", out.toString(), "--run-id", runId));
    args.addAll(trainSettings());
    args.addAll(extra);
    return args.toArray(String[]::new);
  }

  static List<Row> history(Path run) {
    return spark.read().parquet(run.resolve("history").toString()).orderBy("epoch").collectAsList();
  }

  /** Runs the undisturbed cluster job once (sharded broadcast) and returns its run directory. */
  static synchronized Path undisturbedRun() throws Exception {
    if (undisturbed == null) {
      Path out = dir.resolve("cluster-runs");
      Processes.Result r = Processes.submit(Map.of(), 300, submitArgs("undisturbed", out, BROADCAST));
      assertEquals(0, r.exitCode(), r.stderr() + "\n" + cluster.logTails());
      undisturbed = out.resolve("undisturbed");
    }
    return undisturbed;
  }

  /** Weights shipped in an epoch, from its log line "[shipped: weights 0.726 MB to 2 executors": MB, executors. */
  static double[] shipped(String log, int epoch) {
    Matcher m = Pattern.compile("epoch " + epoch + "/\\d+ .*\\[shipped: weights ([0-9.]+) MB to (\\d+) executor")
        .matcher(log);
    assertTrue(m.find(), "epoch " + epoch + " logs what it shipped\n" + log);
    return new double[] {Double.parseDouble(m.group(1)), Integer.parseInt(m.group(2))};
  }

  static void assertSameHistory(List<Row> expected, List<Row> actual) {
    assertEquals(expected.size(), actual.size(), "epochs");
    for (int i = 0; i < expected.size(); i++) {
      Row x = expected.get(i);
      Row y = actual.get(i);
      for (String col : List.of("train_loss", "validation_loss", "grad_norm", "learning_rate")) {
        double a = x.getDouble(x.fieldIndex(col));
        double b = y.getDouble(y.fieldIndex(col));
        assertEquals(a, b, TOLERANCE * Math.abs(a), col + " at epoch " + (i + 1));
      }
    }
  }

  /** Trains the dense model once in local mode, in this JVM, and returns its run directory. */
  static synchronized Path localRun() {
    if (localRun == null) {
      Path localOut = dir.resolve("local-runs");
      List<String> args = new ArrayList<>(List.of("train", "--input", corpus(), "--output", localOut.toString(),
          "--run-id", "local"));
      args.addAll(trainSettings());
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = Main.execute(args.toArray(String[]::new), () -> spark,
          new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
      assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
      localRun = localOut.resolve("local");
    }
    return localRun;
  }

  /**
   * The default on a cluster: the driver collects the counts and runs every epoch on its own cores.
   * Nothing is broadcast and no gradient comes back, and the history is the local run's.
   */
  @Test
  void theDenseModelsEpochsRunOnTheDriverByDefaultShipNothingAndEqualALocalRun() throws Exception {
    Path out = dir.resolve("driver-runs");
    Processes.Result r = Processes.submit(Map.of(), 300, submitArgs("driver", out, List.of()));
    assertEquals(0, r.exitCode(), r.stderr() + "\n" + cluster.logTails());
    assertTrue(r.stderr().contains("epochs on the driver's cores"), r.stderr());
    List<Row> onCluster = history(out.resolve("driver"));
    assertEquals(EPOCHS, onCluster.size());
    assertSameHistory(history(localRun()), onCluster);

    JsonNode summary = new ObjectMapper().readTree(out.resolve("driver/summary.json").toFile());
    assertEquals("driver", summary.get("exchange").asText());
    assertEquals(0, summary.get("broadcast_bytes_per_epoch").asLong(), "no weights broadcast");
    // Spark's own count of the bytes executors fetched and returned in the epochs' jobs: there were none.
    assertFalse(summary.has("shipped_broadcast_bytes_per_epoch"), "no epoch ran a Spark job: " + summary);
  }

  @Test
  void historyThroughSparksBroadcastOnTheClusterEqualsALocalRun() throws Exception {
    Path run = undisturbedRun();
    List<Row> onCluster = history(run);
    assertEquals(EPOCHS, onCluster.size());
    assertSameHistory(history(localRun()), onCluster);
    JsonNode exchange = new ObjectMapper().readTree(run.resolve("summary.json").toFile()).get("exchange");
    assertEquals("broadcast", exchange.asText());
    assertTrue(onCluster.get(EPOCHS - 1).getDouble(2) < onCluster.get(0).getDouble(2) - 0.5, "training learned");

    // Separate executor JVMs did the work: one executor per worker ran tasks and sent their results.
    for (String worker : List.of("worker-1", "worker-2")) {
      boolean ranTasks = false;
      for (Path log : cluster.executorLogs(worker)) {
        if (Files.readString(log, StandardCharsets.UTF_8).contains("result sent to driver")) {
          ranTasks = true;
        }
      }
      assertTrue(ranTasks, "an executor of " + worker + " ran tasks\n" + cluster.logTails());
    }

    // Sharded: the executors together fetched each row of W once (and a bias per row block), as measured by
    // Spark's block manager; the Java serialization framing adds little.
    JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    long shipped = summary.get("shipped_broadcast_bytes_per_epoch").asLong();
    long payload = W_BYTES + 2 * BIAS_BYTES + factorBytes(summary, 2);
    assertTrue(shipped >= payload && shipped < payload * 1.05, "shipped " + shipped + " for a payload of " + payload);
    // The fast kernel (the default) sends the gradient back as floats: all of it, each row from its owner. The
    // factors' gradient is not shipped: the driver computes it from these rows.
    long gradient = W_BYTES + 2 * BIAS_BYTES;
    assertEquals(gradient, summary.get("gradient_bytes_per_epoch").asLong(), "float gradient of W and two biases");
    long results = summary.get("shipped_result_bytes_per_epoch").asLong();
    assertTrue(results >= gradient && results < gradient * 1.05, "the gradient came back: " + results + " bytes for "
        + gradient);
  }

  /**
   * The sparse model on the cluster: its history equals a local sparse run's, and each epoch ships only its
   * pairs (8 bytes each: column and weight), its row offsets and a bias per row block, far below the dense W.
   */
  @Test
  void aSparseRunThroughSparksBroadcastEqualsALocalOneAndShipsOnlyItsPairs() throws Exception {
    List<String> sparse = List.of("--set", "model.weights=sparse");
    Path localOut = dir.resolve("local-sparse-runs");
    List<String> args = new ArrayList<>(List.of("train", "--input", corpus(), "--output", localOut.toString(),
        "--run-id", "local-sparse"));
    args.addAll(trainSettings());
    args.addAll(sparse);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.execute(args.toArray(String[]::new), () -> spark, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));

    Path out = dir.resolve("sparse-cluster-runs");
    List<String> sparseBroadcast = new ArrayList<>(sparse);
    sparseBroadcast.addAll(BROADCAST);
    Processes.Result r = Processes.submit(Map.of(), 300, submitArgs("sparse", out, sparseBroadcast));
    assertEquals(0, r.exitCode(), r.stderr() + "\n" + cluster.logTails());
    List<Row> onCluster = history(out.resolve("sparse"));
    assertEquals(EPOCHS, onCluster.size());
    assertSameHistory(history(localOut.resolve("local-sparse")), onCluster);
    assertTrue(onCluster.get(EPOCHS - 1).getDouble(2) < onCluster.get(0).getDouble(2) - 0.3, "training learned");

    JsonNode summary = new ObjectMapper().readTree(out.resolve("sparse/summary.json").toFile());
    assertEquals("sparse", summary.get("model_weights").asText());
    assertEquals("broadcast", summary.get("exchange").asText());
    long pairs = summary.get("model_pairs").asLong();
    int v = summary.get("vocab_size").asInt();
    // Two row blocks: each ships its entries' columns and weights, its row offsets and the whole bias.
    long payload = 8 * pairs + 4L * (v + 2) + 2 * 4L * v;
    long shipped = summary.get("shipped_broadcast_bytes_per_epoch").asLong();
    assertTrue(shipped >= payload && shipped < payload * 1.05 + 4096, "shipped " + shipped + " for a payload of "
        + payload);
    long dense = new ObjectMapper().readTree(undisturbedRun().resolve("summary.json").toFile())
        .get("shipped_broadcast_bytes_per_epoch").asLong();
    assertTrue(shipped < dense / 2, "sparse shipped " + shipped + " bytes an epoch, dense " + dense);
    // The gradient: a float per pair and one double bias gradient, summed before it reaches the driver.
    assertEquals(4 * pairs + 8L * v, summary.get("gradient_bytes_per_epoch").asLong());
  }

  @Test
  void killingAnExecutorMidTrainingChangesNothingAndTrainingGoesOn() throws Exception {
    List<Row> expected = history(undisturbedRun());
    Path out = dir.resolve("killed-runs");
    // A whole-matrix broadcast this time: the history does not depend on it, what is shipped does.
    Processes.Background run = Processes.startSubmit(Map.of(),
        submitArgs("killed", out, List.of("--set", "train.broadcast=whole", BROADCAST.get(0), BROADCAST.get(1))));
    boolean reached = run.awaitStderr("epoch " + KILL_AT_EPOCH + "/" + EPOCHS, 240);
    List<ProcessHandle> executors = cluster.executors();
    assertTrue(reached, "training reached epoch " + KILL_AT_EPOCH + "\n" + run.stderrSoFar());
    assertEquals(2, executors.size(), "two executor JVMs, children of the workers");
    ProcessHandle victim = executors.get(0);
    assertTrue(victim.destroyForcibly(), "SIGKILL sent to executor " + victim.pid());
    victim.onExit().get();

    Processes.Result result = run.await(300);
    assertEquals(0, result.exitCode(), result.stderr() + "\n" + cluster.logTails());
    assertTrue(result.stderr().contains("Lost executor"), "the driver saw the executor die\n" + result.stderr());
    // Training went on after the loss: epochs after the kill ran (on the surviving executor and its replacement).
    String afterLoss = result.stderr().substring(result.stderr().indexOf("Lost executor"));
    Matcher later = Pattern.compile("epoch (\\d+)/" + EPOCHS + " ").matcher(afterLoss);
    int lastEpoch = 0;
    while (later.find()) lastEpoch = Math.max(lastEpoch, Integer.parseInt(later.group(1)));
    assertTrue(lastEpoch > KILL_AT_EPOCH, "epochs ran after the executor was killed at epoch " + KILL_AT_EPOCH
        + "; the last after the loss: " + lastEpoch);
    assertSameHistory(expected, history(out.resolve("killed")));

    // Before the kill, every executor that ran a task fetched all of W: both of them, as the row blocks are
    // cached one per executor (a task may run away from its block when its executor is busy for long).
    JsonNode summary = new ObjectMapper().readTree(out.resolve("killed/summary.json").toFile());
    double perExecutor = (W_BYTES + BIAS_BYTES + factorBytes(summary, 1)) / 1e6;
    int most = 0;
    for (int epoch = 2; epoch < KILL_AT_EPOCH; epoch++) {
      double[] s = shipped(result.stderr(), epoch);
      assertEquals(s[1] * perExecutor, s[0], 0.05 * perExecutor, "epoch " + epoch + ": all of W per executor");
      most = Math.max(most, (int) s[1]);
    }
    assertEquals(2, most, "both executors fetched W");
  }

  @Test
  void aVocabularyTooLargeForTheDriverIsRefusedOnTheCluster() throws Exception {
    Path out = dir.resolve("refused-runs");
    List<String> args = new ArrayList<>(List.of(submitArgs("too-big", out, List.of("--set", "vocab.size=30000",
        "--set", "model.weights=dense"))));
    // The check comes before any job: no need to wait for executors (the last --conf wins).
    args.addAll(args.indexOf("train"), List.of("--conf", "spark.scheduler.minRegisteredResourcesRatio=0"));
    Processes.Result r = Processes.submit(Map.of(), 300, args.toArray(String[]::new));
    assertEquals(2, r.exitCode(), r.stderr());
    String message = r.stderr().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("");
    assertTrue(message.contains("vocab.size = 30000") && message.contains("spark.driver.memory")
        && message.contains("GB"), r.stderr());
    assertFalse(Files.exists(out.resolve("too-big")), "nothing is written for a refused run");
  }
}
