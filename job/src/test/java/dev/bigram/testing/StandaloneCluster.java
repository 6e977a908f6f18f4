package dev.bigram.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real Spark standalone cluster on 127.0.0.1, started from the Spark jars Maven resolved
 * ({@code job/target/spark-home/jars}, used as {@code SPARK_HOME}): one {@code Master} and {@link
 * Settings#workers()} {@code Worker} JVMs, each a child process of the test JVM. Executors are JVMs the workers
 * spawn, so they are descendants of processes this class started; {@link #executors()} finds them.
 *
 * <p>{@link #close()} stops everything by process id, executors first (SIGKILL), then workers, then the master,
 * so nothing outlives a test even when it fails. Logs are files under the work directory; {@link #logTails()}
 * puts their ends into assertion messages.
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
  private static final String HOST = "127.0.0.1";
  private static final long START_TIMEOUT_SECONDS = 90;

  private final Path workDir;
  private final Settings settings;
  private final String masterUrl;
  private final Path propertiesFile;
  private Process master;
  private final List<Process> workers = new ArrayList<>();
  private final Map<String, Path> logs = new LinkedHashMap<>();

  /**
   * Shape of the cluster.
   *
   * @param workers number of Worker JVMs
   * @param coresPerWorker cores each worker offers (one executor per worker with {@code spark.executor.cores})
   * @param workerMemory memory each worker offers to executors, e.g. {@code 1g}; executors ask for
   *     {@code --executor-memory}, which must fit
   * @param authSecret when not null, the master, the workers and (through the workers) every executor require
   *     {@code spark.authenticate} with this secret; an application must present the same one
   */
  public record Settings(int workers, int coresPerWorker, String workerMemory, String authSecret) {
    /** Two workers with one core and 1 GB each: the cluster of the tests. */
    public static Settings small() {
      return new Settings(2, 1, "1g", null);
    }

    public Settings withAuthSecret(String secret) {
      return new Settings(workers, coresPerWorker, workerMemory, secret);
    }
  }

  private StandaloneCluster(Path workDir, Settings settings, int masterPort, Path propertiesFile) {
    this.workDir = workDir;
    this.settings = settings;
    this.masterUrl = "spark://" + HOST + ":" + masterPort;
    this.propertiesFile = propertiesFile;
  }

  /** The Spark home the cluster runs from: {@code job/target/spark-home}, filled by {@code mvn package}. */
  public static Path sparkHome() {
    Path home = SparkTestBase.projectRoot().resolve("job/target/spark-home");
    if (!Files.isDirectory(home.resolve("jars"))) {
      throw new IllegalStateException(home.resolve("jars") + " is missing: run mvn package (process-test-classes)"
          + " first");
    }
    return home;
  }

  /** Starts a master and the workers and waits until every worker has registered with the master. */
  public static StandaloneCluster start(Path workDir, Settings settings) throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    Path props = writeDaemonProperties(workDir, settings);
    StandaloneCluster cluster = new StandaloneCluster(workDir, settings, freePort(), props);
    try {
      cluster.startAll();
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private void startAll() throws IOException, InterruptedException {
    String port = masterUrl.substring(masterUrl.lastIndexOf(':') + 1);
    master = launch("master", List.of("org.apache.spark.deploy.master.Master", "--host", HOST, "--port", port,
        "--webui-port", "0", "--properties-file", propertiesFile.toString()));
    awaitLog("master", master, line -> line.contains("I have been elected leader"));
    for (int i = 1; i <= settings.workers(); i++) {
      Path dir = Files.createDirectories(workDir.resolve("worker-" + i));
      workers.add(launch("worker-" + i, List.of("org.apache.spark.deploy.worker.Worker", "--host", HOST,
          "--port", "0", "--webui-port", "0", "--cores", String.valueOf(settings.coresPerWorker()),
          "--memory", settings.workerMemory(), "--work-dir", dir.toString(),
          "--properties-file", propertiesFile.toString(), masterUrl)));
    }
    for (int i = 0; i < workers.size(); i++) {
      awaitLog("worker-" + (i + 1), workers.get(i), line -> line.contains("Successfully registered with master"));
    }
  }

  /**
   * Daemon settings, in a file readable only by the owner (it may hold the secret): no REST submission server,
   * and authentication when asked.
   */
  private static Path writeDaemonProperties(Path workDir, Settings settings) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("spark.master.rest.enabled false\n");
    if (settings.authSecret() != null) {
      sb.append("spark.authenticate true\n");
      sb.append("spark.authenticate.secret ").append(settings.authSecret()).append('\n');
    }
    Path file = workDir.resolve("daemon.conf");
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    return file;
  }

  /**
   * Starts {@code mainAndArgs} as {@code bin/spark-class} would: Spark's launcher builds the java command (daemon
   * memory, module options, classpath with the conf directory) and prints it, NUL-separated.
   */
  private Process launch(String name, List<String> mainAndArgs) throws IOException, InterruptedException {
    Path confDir = Files.createDirectories(workDir.resolve("conf"));
    Path localDir = Files.createDirectories(workDir.resolve("local"));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPARK_HOME", sparkHome().toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", HOST);
    env.put("SPARK_CONF_DIR", confDir.toString());
    env.put("SPARK_LOCAL_DIRS", localDir.toString());
    env.put("SPARK_DAEMON_MEMORY", "256m");
    List<String> cmd = sparkClassCommand(mainAndArgs, env);
    Path log = workDir.resolve(name + ".log");
    logs.put(name, log);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("SPARK_"));
    pb.environment().putAll(env);
    return pb.start();
  }

  private static List<String> sparkClassCommand(List<String> mainAndArgs, Map<String, String> env)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx128m");
    cmd.add("-cp");
    cmd.add(sparkHome().resolve("jars") + "/*");
    cmd.add("org.apache.spark.launcher.Main");
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().keySet().removeIf(k -> k.startsWith("SPARK_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("Spark's launcher failed for " + mainAndArgs);
    }
    List<String> parts = new ArrayList<>();
    for (String part : new String(out, StandardCharsets.UTF_8).split("\0")) {
      String s = part.startsWith("\n") ? part.substring(1) : part;
      if (!s.isEmpty()) parts.add(s);
    }
    return parts;
  }

  private void awaitLog(String name, Process process, Predicate<String> ready)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
    Path log = logs.get(name);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readAllLines(log, StandardCharsets.UTF_8).stream().anyMatch(ready)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it was ready\n"
            + logTails());
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(name + " was not ready after " + START_TIMEOUT_SECONDS + " s\n" + logTails());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    }
  }

  public String masterUrl() {
    return masterUrl;
  }

  public Settings settings() {
    return settings;
  }

  /** Process ids of the master and the workers, the processes this class started. */
  public List<ProcessHandle> daemons() {
    List<ProcessHandle> all = new ArrayList<>();
    if (master != null) all.add(master.toHandle());
    workers.forEach(w -> all.add(w.toHandle()));
    return all;
  }

  /** The live executor JVMs: descendants of the workers whose command runs {@link #EXECUTOR_CLASS}. */
  public List<ProcessHandle> executors() {
    List<ProcessHandle> out = new ArrayList<>();
    for (Process w : workers) {
      w.descendants().filter(ProcessHandle::isAlive).filter(StandaloneCluster::isExecutor).forEach(out::add);
    }
    return out;
  }

  private static boolean isExecutor(ProcessHandle p) {
    Optional<String[]> args = p.info().arguments();
    return args.isPresent() && List.of(args.get()).contains(EXECUTOR_CLASS);
  }

  /** The last lines of every daemon log, for assertion messages. */
  public String logTails() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Path> e : logs.entrySet()) {
      sb.append("---- ").append(e.getKey()).append(" (").append(e.getValue()).append(")\n");
      try {
        List<String> lines = Files.exists(e.getValue())
            ? Files.readAllLines(e.getValue(), StandardCharsets.UTF_8) : List.of();
        lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> sb.append(l).append('\n'));
      } catch (IOException ex) {
        sb.append("(unreadable: ").append(ex.getMessage()).append(")\n");
      }
    }
    return sb.toString();
  }

  /**
   * Stops by process id: the executors and anything else the workers spawned (SIGKILL), the workers, then the
   * master; waits until each has exited.
   */
  @Override
  public void close() {
    List<Process> started = new ArrayList<>(workers);
    if (master != null) started.add(master);
    for (Process p : started) {
      List<ProcessHandle> children = p.descendants().sorted(Comparator.comparingLong(ProcessHandle::pid)).toList();
      children.forEach(ProcessHandle::destroyForcibly);
      awaitExit(children);
      p.destroyForcibly();
      awaitExit(List.of(p.toHandle()));
    }
  }

  private static void awaitExit(List<ProcessHandle> processes) {
    for (ProcessHandle h : processes) {
      try {
        h.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Still alive after SIGKILL and 30 s: nothing more can be done from here.
      }
    }
  }
}
