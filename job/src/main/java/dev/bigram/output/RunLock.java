package dev.bigram.output;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per run id: the lock file {@code <output.dir>/_staging/<run-id>.lock}, created exclusively
 * ({@link AtomicFiles#createExclusive}) before the staging directory is touched and deleted when the run ends.
 * It names its owner (host, pid, start time) and its modification time is renewed every
 * {@value #HEARTBEAT_SECONDS} s while the owner lives.
 *
 * <p>A lock is stale, and taken over, when its owner is gone: on the same host, when the pid no longer runs
 * (or now belongs to a process started at another time); on any host, when the heartbeat is older than
 * {@value #STALE_AFTER_SECONDS} s. So a run killed with SIGKILL can be resumed at once on the same machine, and
 * after two minutes from another. A live owner's lock is never taken: the second run fails with
 * {@link OutputException} and the first is untouched.
 */
public final class RunLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
  static final long HEARTBEAT_SECONDS = 10;
  static final long STALE_AFTER_SECONDS = 120;

  private final FileSystem fs;
  private final Path path;
  private final Owner owner;
  private final ScheduledExecutorService heartbeat;

  /** Who holds a lock. {@code pidStart} is the process start in epoch milliseconds, or -1 if unknown. */
  record Owner(String runId, String host, long pid, long pidStart, String started, String token) {
    static Owner current(String runId) {
      ProcessHandle self = ProcessHandle.current();
      long start = self.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
      return new Owner(runId, hostName(), self.pid(), start, Instant.now().toString(), UUID.randomUUID().toString());
    }

    byte[] json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("run_id", runId);
      m.put("host", host);
      m.put("pid", pid);
      m.put("pid_start", pidStart);
      m.put("started", started);
      m.put("token", token);
      return (Json.pretty(m)).getBytes(StandardCharsets.UTF_8);
    }

    static Owner parse(Map<String, Object> m) {
      return new Owner(String.valueOf(m.get("run_id")), String.valueOf(m.get("host")),
          ((Number) m.get("pid")).longValue(), ((Number) m.get("pid_start")).longValue(),
          String.valueOf(m.get("started")), String.valueOf(m.get("token")));
    }

    /** Whether this owner is a process of this host that no longer runs. */
    boolean isDeadProcessOf(String thisHost) {
      if (!host.equals(thisHost)) return false;
      return ProcessHandle.of(pid)
          .map(p -> !p.isAlive() || (pidStart >= 0 && p.info().startInstant()
              .map(s -> s.toEpochMilli() != pidStart).orElse(false)))
          .orElse(true);
    }

    String describe() {
      return "pid " + pid + " on " + host + ", started " + started;
    }
  }

  private RunLock(FileSystem fs, Path path, Owner owner) {
    this.fs = fs;
    this.path = path;
    this.owner = owner;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "run-lock-heartbeat-" + owner.runId());
      t.setDaemon(true);
      return t;
    });
    heartbeat.scheduleAtFixedRate(this::beat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Takes the lock at {@code path} for {@code runId}, taking over a stale one; throws {@link OutputException}
   * naming the holder when a live process has it.
   */
  public static RunLock acquire(FileSystem fs, Path path, String runId) throws IOException {
    Owner me = Owner.current(runId);
    for (int attempt = 0; attempt < 2; attempt++) {
      if (AtomicFiles.createExclusive(fs, path, me.json())) {
        return new RunLock(fs, path, me);
      }
      Owner holder = readOwner(fs, path);
      long ageSeconds = ageSeconds(fs, path);
      boolean dead = holder != null && holder.isDeadProcessOf(me.host());
      if (!dead && ageSeconds >= 0 && ageSeconds <= STALE_AFTER_SECONDS) {
        throw new OutputException("run " + runId + " is being written by another process ("
            + (holder == null ? "lock " + path : holder.describe()) + "): wait for it to finish, or choose"
            + " another --run-id");
      }
      LOG.warn("Run {}: taking over the lock of {}, which is gone ({})", runId,
          holder == null ? "an unknown process" : holder.describe(),
          dead ? "no such process" : "no heartbeat for " + ageSeconds + " s");
      // Move the stale lock aside first: of several processes breaking it at once, one rename wins.
      Path aside = new Path(path.getParent(), path.getName() + ".stale-" + UUID.randomUUID());
      try {
        if (fs.rename(path, aside)) {
          fs.delete(aside, false);
        }
      } catch (java.io.FileNotFoundException e) {
        // another process broke it first
      }
    }
    throw new OutputException("run " + runId + " is being started by another process at the same time (lock "
        + path + "): choose another --run-id");
  }

  private static Owner readOwner(FileSystem fs, Path path) {
    try {
      return Owner.parse(Json.read(fs, path));
    } catch (IOException | RuntimeException e) {
      return null; // being written, or gone: judged by its age
    }
  }

  /** Seconds since the lock's last heartbeat, or -1 if it vanished. */
  private static long ageSeconds(FileSystem fs, Path path) {
    try {
      return (System.currentTimeMillis() - fs.getFileStatus(path).getModificationTime()) / 1000;
    } catch (IOException e) {
      return -1;
    }
  }

  private void beat() {
    try {
      fs.setTimes(path, System.currentTimeMillis(), -1);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Run {}: cannot renew the lock {} ({})", owner.runId(), path, e.getMessage());
    }
  }

  /** Throws {@link OutputException} if the lock is no longer this run's (taken over while it stalled). */
  public void verify() {
    Owner holder = readOwner(fs, path);
    if (holder == null || !Objects.equals(holder.token(), owner.token())) {
      throw new OutputException("run " + owner.runId() + " lost its lock " + path + " to "
          + (holder == null ? "nobody (deleted)" : holder.describe()) + " while it ran: nothing was published");
    }
  }

  public Path path() {
    return path;
  }

  /** Stops the heartbeat and deletes the lock if it is still this run's. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    Owner holder = readOwner(fs, path);
    if (holder != null && Objects.equals(holder.token(), owner.token())) {
      try {
        fs.delete(path, false);
      } catch (IOException e) {
        LOG.warn("Run {}: cannot delete the lock {} ({})", owner.runId(), path, e.getMessage());
      }
    }
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return Objects.requireNonNullElse(System.getenv("HOSTNAME"), "unknown-host");
    }
  }
}
