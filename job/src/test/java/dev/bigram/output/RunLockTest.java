package dev.bigram.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run-id lock on the local file system: exclusive, released, taken over only from the dead. */
class RunLockTest {
  @TempDir
  java.nio.file.Path dir;

  FileSystem fs;
  Path lock;

  @BeforeEach
  void setUp() throws Exception {
    fs = FileSystem.getLocal(new Configuration());
    lock = new Path(dir.toUri().toString(), "r1.lock");
  }

  void writeForeignLock(String host, long pid, long ageSeconds) throws Exception {
    RunLock.Owner other = new RunLock.Owner("r1", host, pid, -1, "2025-01-01T00:00:00Z", "someone-else");
    java.nio.file.Path p = dir.resolve("r1.lock");
    Files.write(p, other.json());
    Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - ageSeconds * 1000));
  }

  @Test
  void aHeldLockIsRefusedNamingItsHolderAndIsFreeAgainAfterClose() throws Exception {
    try (RunLock first = RunLock.acquire(fs, lock, "r1")) {
      OutputException e = assertThrows(OutputException.class, () -> RunLock.acquire(fs, lock, "r1"));
      assertTrue(e.getMessage().startsWith("run r1 is being written by another process (pid "
          + ProcessHandle.current().pid() + " on "), e.getMessage());
      first.verify();
    }
    assertFalse(Files.exists(dir.resolve("r1.lock")), "close deletes the lock");
    RunLock.acquire(fs, lock, "r1").close();
  }

  @Test
  void ofManyThreadsRacingForTheLockExactlyOneWins() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<RunLock>> tasks = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        tasks.add(() -> {
          try {
            return RunLock.acquire(fs, lock, "r1");
          } catch (OutputException e) {
            return null;
          }
        });
      }
      List<RunLock> won = new ArrayList<>();
      for (Future<RunLock> f : pool.invokeAll(tasks)) if (f.get() != null) won.add(f.get());
      assertEquals(1, won.size());
      won.get(0).close();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theLockOfAProcessOfThisHostThatIsGoneIsTakenOverAtOnce() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    writeForeignLock(RunLock.hostName(), p.pid(), 0);
    try (RunLock taken = RunLock.acquire(fs, lock, "r1")) {
      taken.verify();
      assertTrue(Files.readString(dir.resolve("r1.lock"), StandardCharsets.UTF_8)
          .contains("\"pid\" : " + ProcessHandle.current().pid()));
    }
  }

  @Test
  void aFreshLockOfAnotherHostIsRespectedAndAStaleOneTakenOver() throws Exception {
    writeForeignLock("another-host.example", 12345, 5);
    assertThrows(OutputException.class, () -> RunLock.acquire(fs, lock, "r1"));
    writeForeignLock("another-host.example", 12345, RunLock.STALE_AFTER_SECONDS + 30);
    RunLock.acquire(fs, lock, "r1").close();
  }

  @Test
  void aRunThatLostItsLockFindsOutAndDoesNotDeleteTheNewOwners() throws Exception {
    RunLock mine = RunLock.acquire(fs, lock, "r1");
    writeForeignLock("another-host.example", 12345, 0); // someone broke it while this run stalled
    OutputException e = assertThrows(OutputException.class, mine::verify);
    assertTrue(e.getMessage().contains("lost its lock"), e.getMessage());
    mine.close();
    assertTrue(Files.exists(dir.resolve("r1.lock")), "the new owner's lock stays");
  }
}
