package dev.bigram.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir
  java.nio.file.Path dir;

  @Test
  void createExclusiveCreatesOnce() throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    Path p = new Path(dir.toUri().toString(), "f");
    assertTrue(AtomicFiles.createExclusive(fs, p, "a".getBytes(StandardCharsets.UTF_8)));
    assertFalse(AtomicFiles.createExclusive(fs, p, "b".getBytes(StandardCharsets.UTF_8)));
    assertEquals("a", Files.readString(dir.resolve("f")));
  }

  /**
   * Two writers keep replacing LATEST while a reader reads it through Hadoop's checksummed local file system:
   * the reader always finds a whole value of one writer, never no file, an empty one or a checksum error.
   */
  @Test
  void concurrentReplacementsNeverShowAReaderAMissingOrPartialFile() throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    Path target = new Path(dir.toUri().toString(), "LATEST");
    Path tmp = new Path(dir.toUri().toString(), "_staging");
    fs.mkdirs(tmp);
    // An earlier Hadoop write left a .crc beside LATEST: the first replacement must not make it stale.
    try (var out = fs.create(target)) {
      out.write("run-0\n".getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(Files.exists(dir.resolve(".LATEST.crc")));
    AtomicFiles.replace(fs, new Configuration(), target, tmp, "run-1\n".getBytes(StandardCharsets.UTF_8));
    try (var in = fs.open(target)) {
      assertEquals("run-1\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    AtomicBoolean done = new AtomicBoolean();
    List<Throwable> failures = new ArrayList<>();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    List<Thread> writers = new ArrayList<>();
    for (String id : List.of("run-a", "run-b")) {
      Thread t = new Thread(() -> {
        try {
          for (int i = 0; i < 300; i++) {
            AtomicFiles.replace(fs, new Configuration(), target, tmp, (id + "\n").getBytes(StandardCharsets.UTF_8));
          }
        } catch (Throwable e) {
          synchronized (failures) {
            failures.add(e);
          }
        }
      });
      writers.add(t);
      t.start();
    }
    Thread reader = new Thread(() -> {
      try {
        while (!done.get()) {
          try (var in = fs.open(target)) {
            seen.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
        }
      } catch (Throwable e) {
        synchronized (failures) {
          failures.add(e);
        }
      }
    });
    reader.start();
    for (Thread t : writers) t.join();
    done.set(true);
    reader.join();
    assertEquals(List.of(), failures);
    assertTrue(Set.of("run-1\n", "run-a\n", "run-b\n").containsAll(seen), seen.toString());
    assertTrue(Set.of("run-a\n", "run-b\n").contains(Files.readString(dir.resolve("LATEST"))));
    try (var stream = Files.list(dir.resolve("_staging"))) {
      assertEquals(0, stream.count(), "no temporary file is left");
    }
  }
}
