package dev.bigram.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Every file under a directory with its modification time and SHA-256: "untouched" means equal snapshots. */
public final class DirSnapshot {
  private DirSnapshot() {}

  public static Map<String, String> of(Path root) {
    Map<String, String> files = new TreeMap<>();
    if (!Files.exists(root)) return files;
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (!Files.isRegularFile(p)) continue;
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
        files.put(root.relativize(p).toString(), Files.getLastModifiedTime(p) + " " + HexFormat.of().formatHex(digest));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return files;
  }

  /** Fails, listing only what differs, unless {@code root} is as {@code before} recorded it. */
  public static void assertUnchanged(Map<String, String> before, Path root, String what) {
    Map<String, String> now = of(root);
    java.util.List<String> diff = new java.util.ArrayList<>();
    for (String k : before.keySet()) {
      if (!now.containsKey(k)) diff.add("removed " + k);
      else if (!now.get(k).equals(before.get(k))) diff.add("changed " + k);
    }
    for (String k : now.keySet()) if (!before.containsKey(k)) diff.add("added " + k);
    if (!diff.isEmpty()) throw new AssertionError(what + ": " + diff);
  }
}
