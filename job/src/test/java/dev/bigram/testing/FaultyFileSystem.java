package dev.bigram.testing;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;

/**
 * The local disk under the scheme {@code faulty://}, with two faults a test can switch on:
 *
 * <ul>
 *   <li>a disk that fills up: once {@link #setFreeBytes} bytes have been written (by every stream together),
 *       every write fails with "No space left on device", as a full local disk or HDFS quota does; or, with
 *       {@link #fillUpWhenWriting}, the first write to a chosen file fails so, to hit each step of a run;</li>
 *   <li>files without read permission: opening a file whose name contains {@code unreadable} fails with
 *       Hadoop's {@link AccessControlException}, as HDFS does (a root test process ignores local permissions);</li>
 *   <li>a directory without write permission: creating anything below a directory whose name contains
 *       {@code readonly} fails the same way.</li>
 * </ul>
 *
 * {@code faulty:///tmp/x} and {@code /tmp/x} are the same directory, so a test can prepare with one and fail
 * with the other. An authority is accepted and ignored, so {@code faulty://user:secret@/tmp/x} works too (for
 * tests that credentials in paths never leak). Register it with {@link #register}; the faults are static (tasks of a local master run in the
 * test's JVM).
 */
public class FaultyFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "faulty";
  private static final AtomicLong FREE_BYTES = new AtomicLong(Long.MAX_VALUE);
  private static volatile String fullAt;
  private static volatile String failRenameTo;
  /** Directory listings made through this file system, for tests that count them. */
  public static final AtomicLong LISTINGS = new AtomicLong();

  public static void register(Configuration hadoop) {
    hadoop.set("fs." + SCHEME + ".impl", FaultyFileSystem.class.getName());
    hadoop.setBoolean("fs." + SCHEME + ".impl.disable.cache", true);
    hadoop.set("fs.AbstractFileSystem." + SCHEME + ".impl", Afs.class.getName());
  }

  /** Bytes that can still be written before the disk is full; {@code Long.MAX_VALUE} for no limit. */
  public static void setFreeBytes(long bytes) {
    FREE_BYTES.set(bytes);
  }

  /** The first write to a path containing {@code fragment} finds the disk full; {@code null} to stop. */
  public static void fillUpWhenWriting(String fragment) {
    fullAt = fragment;
  }

  /** The first rename whose destination contains {@code fragment} fails with an I/O error; {@code null} to stop. */
  public static void failRenamesTo(String fragment) {
    failRenameTo = fragment;
  }

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    String fragment = failRenameTo;
    if (fragment != null && dst.toString().contains(fragment)) {
      failRenameTo = null;
      throw new IOException("Input/output error renaming " + src + " to " + dst);
    }
    return super.rename(src, dst);
  }

  /** {@code faulty://} + the absolute local path. */
  public static String uri(java.nio.file.Path local) {
    return SCHEME + "://" + local.toAbsolutePath();
  }

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  protected void checkPath(Path path) {
    String scheme = path.toUri().getScheme();
    if (scheme != null && !scheme.equals(SCHEME)) {
      throw new IllegalArgumentException("Wrong FS: " + path + ", expected: " + getUri());
    }
  }

  /**
   * Local file statuses load their permissions lazily through {@code new File(URI)}, which accepts only
   * {@code file:} URIs; plain statuses with the permissions read at once avoid that.
   */
  @Override
  public FileStatus getFileStatus(Path f) throws IOException {
    return plain(super.getFileStatus(f));
  }

  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    LISTINGS.incrementAndGet();
    FileStatus[] statuses = super.listStatus(f);
    for (int i = 0; i < statuses.length; i++) statuses[i] = plain(statuses[i]);
    return statuses;
  }

  private FileStatus plain(FileStatus s) throws IOException {
    java.nio.file.Path local = java.nio.file.Paths.get(s.getPath().toUri().getPath());
    FsPermission permission = new FsPermission((short) (java.nio.file.Files.isDirectory(local) ? 0755 : 0644));
    return new FileStatus(s.getLen(), s.isDirectory(), 1, s.getBlockSize(), s.getModificationTime(),
        s.getAccessTime(), permission, "test", "test", makeQualified(s.getPath()));
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    if (f.getName().contains("unreadable")) {
      throw new AccessControlException("Permission denied: user=test, access=READ, inode=\"" + f.toUri().getPath()
          + "\"");
    }
    return super.open(f, bufferSize);
  }

  @Override
  public boolean mkdirs(Path f, FsPermission permission) throws IOException {
    checkWritable(f);
    return super.mkdirs(f, permission);
  }

  @Override
  public boolean mkdirs(Path f) throws IOException {
    checkWritable(f);
    return super.mkdirs(f);
  }

  @Override
  protected OutputStream createOutputStream(Path f, boolean append) throws IOException {
    checkWritable(f);
    return new Budget(super.createOutputStream(f, append), f);
  }

  @Override
  protected OutputStream createOutputStreamWithMode(Path f, boolean append, FsPermission permission)
      throws IOException {
    checkWritable(f);
    return new Budget(super.createOutputStreamWithMode(f, append, permission), f);
  }

  private static void checkWritable(Path f) throws AccessControlException {
    for (Path p = f.getParent(); p != null; p = p.getParent()) {
      if (p.getName().contains("readonly")) {
        throw new AccessControlException("Permission denied: user=test, access=WRITE, inode=\""
            + p.toUri().getPath() + "\"");
      }
    }
  }

  private static final class Budget extends FilterOutputStream {
    private final String path;

    Budget(OutputStream out, Path path) {
      super(out);
      this.path = path.toString();
    }

    private void take(long n) throws IOException {
      String at = fullAt;
      if (at != null && path.contains(at)) throw new IOException("No space left on device");
      if (FREE_BYTES.get() == Long.MAX_VALUE) return;
      if (FREE_BYTES.addAndGet(-n) < 0) {
        FREE_BYTES.set(0);
        throw new IOException("No space left on device");
      }
    }

    @Override
    public void write(int b) throws IOException {
      take(1);
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      take(len);
      out.write(b, off, len);
    }
  }

  /** The same, for FileContext (which RunDirectory uses to replace LATEST). */
  public static final class Afs extends DelegateToFileSystem {
    public Afs(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(uri, new FaultyFileSystem(), conf, SCHEME, false);
    }
  }
}
