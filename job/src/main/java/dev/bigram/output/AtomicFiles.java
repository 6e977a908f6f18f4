package dev.bigram.output;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * The two file operations that concurrent runs rely on, done atomically on local disks and on HDFS.
 *
 * <ul>
 *   <li>{@link #createExclusive}: create a small file only if it does not exist (a lock).</li>
 *   <li>{@link #replace}: replace a small file's content so that a reader sees the old or the new content,
 *       never none and never a mix (LATEST).</li>
 * </ul>
 *
 * Why not just Hadoop's API: on the local file system {@code FileSystem.create(path, false)} checks and then
 * creates (another process can slip in between), and a rename with {@code OVERWRITE} deletes the target, then
 * renames (a reader can find no file) and moves the {@code .crc} side file in a second step (a reader can get
 * a checksum error). So on {@code file:} these go through {@code java.nio} ({@code O_EXCL} create, one
 * {@code rename(2)}) and write no {@code .crc}; elsewhere through the Hadoop calls that are atomic on HDFS
 * ({@code create} without overwrite, {@code FileContext.rename} with {@code OVERWRITE}). On object stores
 * (S3A and the like) neither is atomic: see docs/operations.md, "What is atomic where".
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  static boolean isLocal(FileSystem fs) {
    return "file".equals(fs.getScheme());
  }

  static java.nio.file.Path local(FileSystem fs, Path p) {
    return java.nio.file.Paths.get(fs.makeQualified(p).toUri());
  }

  /** Creates {@code path} with {@code content} if no file is there; returns false if one already is. */
  public static boolean createExclusive(FileSystem fs, Path path, byte[] content) throws IOException {
    if (isLocal(fs)) {
      try {
        Files.write(local(fs, path), content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (FSDataOutputStream out = fs.create(path, false)) {
      out.write(content);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  /**
   * Replaces the content of {@code target} (created if missing) in one step: the content goes to a temporary
   * file in {@code tempDir}, which is then renamed over {@code target}. {@code tempDir} must be on the same
   * file system and volume.
   */
  public static void replace(FileSystem fs, Configuration hadoop, Path target, Path tempDir, byte[] content)
      throws IOException {
    commit(fs, hadoop, stage(fs, target, tempDir, content), target);
  }

  /**
   * The first half of {@link #replace}: writes {@code content} to a new temporary file in {@code tempDir} and
   * returns it (removed again if the write fails). A caller that must write every byte before it renames
   * anything (RunDirectory.publish) stages first and commits last.
   */
  public static Path stage(FileSystem fs, Path target, Path tempDir, byte[] content) throws IOException {
    Path tmp = new Path(tempDir, target.getName() + "." + UUID.randomUUID() + ".tmp");
    try {
      if (isLocal(fs)) {
        Files.write(local(fs, tmp), content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } else {
        try (FSDataOutputStream out = fs.create(tmp, false)) {
          out.write(content);
        }
      }
      return tmp;
    } catch (IOException | RuntimeException e) {
      try {
        fs.delete(tmp, false);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The second half of {@link #replace}: renames the staged file over {@code target} in one step. */
  public static void commit(FileSystem fs, Configuration hadoop, Path staged, Path target) throws IOException {
    if (isLocal(fs)) {
      // A .crc left by an earlier Hadoop write of the target would no longer match the new content.
      Files.deleteIfExists(local(fs, new Path(target.getParent(), "." + target.getName() + ".crc")));
      Files.move(local(fs, staged), local(fs, target), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    FileContext.getFileContext(fs.makeQualified(target).toUri(), hadoop).rename(staged, target,
        Options.Rename.OVERWRITE);
  }
}
