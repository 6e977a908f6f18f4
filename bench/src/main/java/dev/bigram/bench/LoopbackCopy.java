package dev.bigram.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * The wire's limit for an epoch's bytes on this machine: {@code bytes} copied once from one JVM thread to another
 * through a loopback TCP socket (1 MiB writes from a direct buffer; the reader copies each chunk into a heap
 * array, as a deserializer would), {@code reps} times. Prints each copy's seconds and MB/s, then the median
 * seconds on the last line as {@code median_seconds=S}.
 *
 * <pre>bench/java.sh dev.bigram.bench.LoopbackCopy BYTES [REPS]</pre>
 */
public final class LoopbackCopy {
  private static final int CHUNK = 1 << 20;

  public static void main(String[] args) throws Exception {
    long total = Long.parseLong(args[0]);
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    double[] seconds = new double[reps];
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      for (int r = 0; r < reps; r++) {
        Thread sender = new Thread(() -> send(port, total), "loopback-sender");
        long t0 = System.nanoTime();
        sender.start();
        long got = receive(server);
        sender.join();
        seconds[r] = (System.nanoTime() - t0) / 1e9;
        if (got != total) throw new IllegalStateException("received " + got + " of " + total + " bytes");
        System.out.printf(java.util.Locale.ROOT, "copy %d: %d bytes in %.3f s, %.0f MB/s%n", r + 1, total,
            seconds[r], total / seconds[r] / 1e6);
      }
    }
    double[] sorted = seconds.clone();
    Arrays.sort(sorted);
    System.out.printf(java.util.Locale.ROOT, "median_seconds=%.4f%n", sorted[reps / 2]);
  }

  private static void send(int port, long total) {
    try (SocketChannel out = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
      ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
      for (long left = total; left > 0; ) {
        buf.clear();
        if (left < CHUNK) buf.limit((int) left);
        left -= buf.remaining();
        while (buf.hasRemaining()) out.write(buf);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long receive(ServerSocketChannel server) throws IOException {
    try (SocketChannel in = server.accept()) {
      ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
      byte[] heap = new byte[CHUNK];
      long got = 0;
      for (int n; (n = in.read(buf.clear())) >= 0; ) {
        got += n;
        buf.flip().get(heap, 0, n);
      }
      return got;
    }
  }
}
