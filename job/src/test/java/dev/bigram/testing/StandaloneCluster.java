package dev.bigram.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on 127.0.0.1, started by the project's own {@code bench/cluster-demo.sh start DIR}
 * from the Spark jars Maven resolved ({@code job/target/spark-home}, used as {@code SPARK_HOME}): one
 * {@code Master} and {@link Settings#workers()} {@code Worker} JVMs, whose process ids the script writes to
 * {@code DIR/pids}. Executors are JVMs the workers spawn: {@link #executors()} finds them among the workers'
 * descendants.
 *
 * <p>{@link #close()} runs {@code bench/cluster-demo.sh stop DIR}, then makes sure by process id that nothing it
 * started is left (SIGKILL to the workers' descendants, the workers and the master), even when a test failed.
 *
 * <pre>
 *   try (StandaloneCluster cluster = StandaloneCluster.start(dir, StandaloneCluster.Settings.small())) {
 *     Processes.submit(env, 300, "--master", cluster.masterUrl(), "--executor-memory", "512m", "train", ...);
 *   }
 * </pre>
 */
public final class StandaloneCluster implements AutoCloseable {
  /** The JVM class of an executor in standalone mode. */
  public static final String EXECUTOR_CLASS = "org.apache.spark.executor.CoarseGrainedExecutorBackend";
  private static final long START_TIMEOUT_SECONDS = 300;

  private final Path dir;
  private final Settings settings;
  private String masterUrl;

  /**
   * Shape of the cluster.
   *
   * @param workers number of Worker JVMs
   * @param coresPerWorker cores each worker offers
   * @param workerMemory memory each worker offers to executors, e.g. {@code 1g}; {@code --executor-memory} must fit
   * @param auth the daemons require {@code spark.authenticate} with a fresh secret; {@link #appProperties()} holds
   *     it for the application, with RPC and I/O encryption on
   */
  public record Settings(int workers, int coresPerWorker, String workerMemory, boolean auth) {
    /** Two workers with one core and 1 GB each: the cluster of the tests. */
    public static Settings small() {
      return new Settings(2, 1, "1g", false);
    }

    public Settings withAuth() {
      return new Settings(workers, coresPerWorker, workerMemory, true);
    }
  }

  private StandaloneCluster(Path dir, Settings settings) {
    this.dir = dir;
    this.settings = settings;
  }

  /** Starts a master and the workers in {@code dir} and returns once every worker has registered. */
  public static StandaloneCluster start(Path dir, Settings settings) throws IOException, InterruptedException {
    StandaloneCluster cluster = new StandaloneCluster(dir, settings);
    List<String> cmd = new ArrayList<>(List.of(script().toString(), "start", dir.toString(),
        "--workers", String.valueOf(settings.workers()), "--cores", String.valueOf(settings.coresPerWorker()),
        "--worker-memory", settings.workerMemory()));
    if (settings.auth()) cmd.add("--auth");
    try {
      Processes.Result r = Processes.run(cmd, SparkTestBase.projectRoot().toFile(), Map.of(), START_TIMEOUT_SECONDS);
      if (r.exitCode() != 0) {
        throw new IllegalStateException("cluster-demo.sh start failed (" + r.exitCode() + "): " + r.stderr() + "\n"
            + cluster.logTails());
      }
      cluster.masterUrl = r.lastLine(r.stdout());
      if (!cluster.masterUrl.startsWith("spark://127.0.0.1:")) {
        throw new IllegalStateException("unexpected master URL '" + cluster.masterUrl + "'");
      }
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  static Path script() {
    return SparkTestBase.projectRoot().resolve("bench/cluster-demo.sh");
  }

  public String masterUrl() {
    return masterUrl;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * The application's side of authentication (secret, RPC and I/O encryption), for
   * {@code --properties-file FILE --load-spark-defaults}; only with {@link Settings#auth()}.
   */
  public Path appProperties() {
    return dir.resolve("app.conf");
  }

  /** The daemons the script started, by name ({@code master}, {@code worker-1}, ...), from {@code DIR/pids}. */
  public Map<String, ProcessHandle> daemons() {
    Map<String, ProcessHandle> out = new LinkedHashMap<>();
    Path pids = dir.resolve("pids");
    try {
      if (!Files.exists(pids)) return out;
      for (String line : Files.readAllLines(pids, StandardCharsets.UTF_8)) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length == 2) {
          ProcessHandle.of(Long.parseLong(parts[1])).ifPresent(h -> out.put(parts[0], h));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + pids, e);
    }
    return out;
  }

  /** The live executor JVMs: descendants of the workers whose command runs {@link #EXECUTOR_CLASS}. */
  public List<ProcessHandle> executors() {
    List<ProcessHandle> out = new ArrayList<>();
    daemons().forEach((name, h) -> {
      if (name.startsWith("worker-")) {
        h.descendants().filter(ProcessHandle::isAlive).filter(StandaloneCluster::isExecutor).forEach(out::add);
      }
    });
    return out;
  }

  private static boolean isExecutor(ProcessHandle p) {
    Optional<String[]> args = p.info().arguments();
    return args.isPresent() && List.of(args.get()).contains(EXECUTOR_CLASS);
  }

  /** Executor log files: {@code worker-N/app-ID/EXECUTOR-ID/stderr}. */
  public List<Path> executorLogs(String worker) throws IOException {
    Path workDir = dir.resolve(worker);
    if (!Files.isDirectory(workDir)) return List.of();
    try (Stream<Path> files = Files.walk(workDir)) {
      return files.filter(p -> p.getFileName().toString().equals("stderr")).toList();
    }
  }

  /** The last lines of every daemon log, for assertion messages. */
  public String logTails() {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> logs = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        sb.append("---- ").append(log).append('\n');
        lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> sb.append(l).append('\n'));
      }
    } catch (IOException e) {
      sb.append("(logs unreadable: ").append(e.getMessage()).append(")\n");
    }
    return sb.toString();
  }

  /**
   * {@code bench/cluster-demo.sh stop DIR}, then, by process id, SIGKILL to whatever of it is still alive: the
   * workers' descendants (executors), the workers, the master.
   */
  @Override
  public void close() {
    Map<String, ProcessHandle> started = daemons();
    try {
      Processes.run(List.of(script().toString(), "stop", dir.toString()), SparkTestBase.projectRoot().toFile(),
          Map.of(), 120);
    } catch (IOException | InterruptedException | AssertionError e) {
      // Fall through to the kills below.
    }
    for (ProcessHandle daemon : started.values()) {
      List<ProcessHandle> children = daemon.descendants().toList();
      children.forEach(ProcessHandle::destroyForcibly);
      daemon.destroyForcibly();
      Stream.concat(children.stream(), Stream.of(daemon)).forEach(StandaloneCluster::awaitExit);
    }
  }

  private static void awaitExit(ProcessHandle h) {
    try {
      h.onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Still alive 30 s after SIGKILL: nothing more can be done from here.
    }
  }
}
