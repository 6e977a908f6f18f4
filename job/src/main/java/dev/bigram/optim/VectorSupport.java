package dev.bigram.optim;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the JDK's incubating vector API can be used ({@code --add-modules jdk.incubator.vector}, vectors of 8
 * or 16 floats), and whether its code is compiled yet.
 *
 * <p>The fast kernel runs on the scalar twins ({@link ScalarRowMath}, {@link ScalarAdamRows}) first, and on the
 * vector code once that is compiled. The twins compute the same bits as the vector code, on any CPU (checked
 * here, once the vector code is compiled, before it is used, and by ScalarTwinTest and NoVectorModuleTest), so which of them computed an epoch, or whether a JVM has the vector API at all, never
 * changes a run.
 *
 * <p>Compiling the vector code is not free: until C2 has compiled them, vector operations run as allocated
 * objects, hundreds of times slower, and getting there takes about a second of one core plus the compiler's
 * threads (measured on 2 cores: 0.95 s, with the epochs meanwhile 1.5 to 2 times slower). The twins are
 * slower only at large V (per epoch without a validation split, median of 40: at V = 1,000 0.025 s against
 * 0.02 s; at 2,000 0.05 against 0.035; at 5,000 0.13 against 0.07; at 10,000 0.45 against 0.19). So, like the JIT's own tiers, this JVM starts warming the vector code up, in a
 * background thread, only once the twins have worked for {@link #WARM_UP_AFTER_MS} ms, about what the warm-up
 * costs (the ski-rental rule: never pay more than twice the best choice in hindsight). A short run at small V
 * never pays for it; at V = 10,000 the twins' first two or three epochs reach it.
 * {@code -Dbigram.vector.warm-up-after-ms=0} starts it at once; {@code -Dbigram.vector.disable=true} never
 * uses the vector API. Both are per JVM: on a cluster, executors need them too.
 */
final class VectorSupport {
  private static final Logger LOG = LoggerFactory.getLogger(VectorSupport.class);

  /** The fewest calls of each vector routine on a small row before it is used: past C2's compile thresholds. */
  static final int WARM_UP_CALLS = Integer.getInteger("bigram.vector.warm-up-calls", 1_000);

  /** Lanes of the preferred float vector (0: no vector API, or disabled). */
  static final int FLOAT_LANES;
  /** The vector API is on the module path and its vectors fit the sum order: it may be warmed up and used. */
  static final boolean AVAILABLE;

  /** Calls a warm-up round times, of the vector routines and then of the twins. */
  private static final int ROUND_CALLS = 200;
  /**
   * The warm-up gives up (staying on the twins) when the vector code is not faster after this long
   * ({@code -Dbigram.vector.warm-up-limit-seconds}; the tests, which must compare the vector code, allow more).
   */
  static final long WARM_UP_LIMIT_SECONDS = Long.getLong("bigram.vector.warm-up-limit-seconds", 30);

  /** Milliseconds of scalar kernel work in this JVM after which the vector code is warmed up. */
  static final long WARM_UP_AFTER_MS =
      Math.max(0, Math.min(Long.getLong("bigram.vector.warm-up-after-ms", 2_000), Long.MAX_VALUE / 1_000_000L));

  /** Counted down when the vector code may be used. */
  private static final CountDownLatch WARM = new CountDownLatch(1);
  /** Counted down when the warm-up has ended, whether or not the vector code may be used. */
  private static final CountDownLatch ENDED = new CountDownLatch(1);
  private static final AtomicBoolean STARTED = new AtomicBoolean();
  private static final WarmUpTrigger TRIGGER = new WarmUpTrigger(WARM_UP_AFTER_MS * 1_000_000L);

  static {
    FLOAT_LANES = Boolean.getBoolean("bigram.vector.disable") ? 0 : floatLanes();
    // Whether the vector code computes the twins' bits is checked once it is compiled, in the warm-up thread:
    // checked here, interpreted, it would cost the first epoch a tenth of a second.
    AVAILABLE = FLOAT_LANES > 0;
    if (TRIGGER.reached()) startWarmUp();
  }

  private VectorSupport() {}

  /** Whether the vector kernels are compiled and should be used; until then, the scalar twins. */
  static boolean ready() {
    return AVAILABLE && WARM.getCount() == 0;
  }

  /** Counts work done on the scalar twins; past {@link #WARM_UP_AFTER_MS}, starts the warm-up. */
  static void scalarWork(long nanos) {
    if (AVAILABLE && TRIGGER.add(nanos)) startWarmUp();
  }

  /**
   * Starts the warm-up now, if it has not started; waits for it to end (at most {@code seconds}); returns
   * {@link #ready()}.
   */
  static boolean awaitReady(long seconds) throws InterruptedException {
    startWarmUp();
    if (AVAILABLE) ENDED.await(seconds, TimeUnit.SECONDS);
    return ready();
  }

  private static void startWarmUp() {
    if (AVAILABLE && STARTED.compareAndSet(false, true)) {
      try {
        Thread warmUp = new Thread(VectorSupport::warmUp, "bigram-vector-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
      } catch (RuntimeException | Error e) {
        ENDED.countDown();
        LOG.warn("Could not start the vector warm-up; the fast kernel stays scalar: {}", e.toString());
      }
    }
  }

  /** The preferred float vector's lanes when the vector API is here and fits the sum order; 0 otherwise. */
  private static int floatLanes() {
    try {
      Class.forName("jdk.incubator.vector.FloatVector");
      return VectorRowMath.fitsTheSumOrder() ? VectorRowMath.floatLanes() : 0;
    } catch (ClassNotFoundException | LinkageError e) {
      return 0;
    }
  }

  /**
   * Rows whose sums round (logits spread over 60 nats, gradients over 25 orders of magnitude), with and without
   * a bias, through the vector code and the twins: true when every bit agrees.
   */
  static boolean agreesWithTwins() {
    SplittableRandom random = new SplittableRandom(20261126L);
    for (int v : new int[] {FloatExp.CHUNK * 3 + 5, FloatExp.CHUNK * 8 + 11}) {
      VectorRowMath fast = new VectorRowMath(v);
      ScalarRowMath twin = new ScalarRowMath(v);
      for (int row = 0; row < 24; row++) {
        float[] w = new float[v];
        float[] b = row % 2 == 0 ? new float[v] : null;
        for (int j = 0; j < v; j++) {
          w[j] = (float) (-60 * random.nextDouble());
          if (b != null) b[j] = (float) random.nextGaussian();
        }
        if (Double.doubleToLongBits(fast.prepare(w, 0, b)) != Double.doubleToLongBits(twin.prepare(w, 0, b))) {
          return false;
        }
        CountRows rows = new CountRows(new int[] {0}, new int[] {0, 2}, new int[] {1, v - 1}, new long[] {2, 5});
        GradientRows gf = new GradientRows(0, 1, v, true);
        GradientRows gt = new GradientRows(0, 1, v, true);
        double[] dbf = new double[v];
        double[] dbt = new double[v];
        fast.writeGradient(rows, 0, gf, 0, dbf);
        twin.writeGradient(rows, 0, gt, 0, dbt);
        if (!Arrays.equals(gf.floats(), gt.floats()) || !Arrays.equals(dbf, dbt)) return false;
        float[] data = new float[v];
        for (int j = 0; j < v; j++) data[j] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-20, 6)));
        float[] wf = w.clone();
        float[] mf = new float[v];
        float[] vf = new float[v];
        float[] wt = w.clone();
        float[] mt = new float[v];
        float[] vt = new float[v];
        double l2 = row % 3 == 0 ? 0.0 : 1e-3;
        float[] d = row % 4 == 1 ? null : data;
        double sf = AdamRows.applyRow(wf, 0, v, d, 0, 0.3, l2, mf, vf, 0.01, 1e-8);
        double st = ScalarAdamRows.applyRow(wt, 0, v, d, 0, 0.3, l2, mt, vt, 0.01, 1e-8);
        if (Double.doubleToLongBits(sf) != Double.doubleToLongBits(st) || !Arrays.equals(wf, wt)
            || !Arrays.equals(mf, mt) || !Arrays.equals(vf, vt)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Runs the vector routines, and their scalar twins, on small rows in rounds until the vector code is the
   * faster of the two three rounds in a row: that is when C2 has compiled it (a count of calls is not enough:
   * C2's queue may still hold it when the calls are done, and the first real rows would run it interpreted).
   * Then checks the compiled code against the twins once more. Gives up, staying on the twins, after
   * {@link #WARM_UP_LIMIT_SECONDS}.
   */
  private static void warmUp() {
    try {
      long t0 = System.nanoTime();
      // Full vectors and a tail, with and without a bias and a gradient: a path the warm-up never took would be
      // compiled as a trap, and the first real row to take it would fall back to the interpreter.
      int v = FloatExp.CHUNK * 2 + 5;
      float[] w = new float[v];
      for (int j = 0; j < v; j++) w[j] = (float) Math.sin(j);
      CountRows rows = new CountRows(new int[] {0}, new int[] {0, 3}, new int[] {1, 3, v - 1}, new long[] {2, 1, 4});
      RowMath vector = new VectorRowMath(v);
      RowMath scalar = new ScalarRowMath(v);
      int calls = 0;
      int faster = 0;
      while (faster < 3 || calls < WARM_UP_CALLS) {
        long tv = round(vector, true, w, rows, v);
        long ts = round(scalar, false, w, rows, v);
        calls += ROUND_CALLS;
        faster = tv < ts ? faster + 1 : 0;
        if (System.nanoTime() - t0 > WARM_UP_LIMIT_SECONDS * 1_000_000_000L) {
          LOG.warn("The vector kernels were not faster than the scalar ones three rounds in a row after {} s of"
              + " warm-up ({} calls); the fast kernel stays scalar", WARM_UP_LIMIT_SECONDS, calls);
          return;
        }
      }
      if (!agreesWithTwins()) {
        LOG.warn("The compiled vector kernels do not compute the scalar kernels' bits; the fast kernel stays"
            + " scalar");
        return;
      }
      WARM.countDown();
      LOG.info("Vector kernels ({} float lanes) compiled after {} ms of warm-up; the fast kernel uses them from now"
          + " on", FLOAT_LANES, (System.nanoTime() - t0) / 1_000_000);
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("The vector kernels failed to warm up; the fast kernel stays scalar: {}", e.toString());
    } finally {
      ENDED.countDown();
    }
  }

  /** Nanoseconds for {@link #ROUND_CALLS} evaluations and Adam updates of one row, with and without bias and data. */
  private static long round(RowMath math, boolean vectors, float[] w, CountRows rows, int v) {
    GradientRows out = new GradientRows(0, 1, v, true);
    double[] db = new double[v];
    float[] p = new float[v];
    float[] m = new float[v];
    float[] vv = new float[v];
    long t = System.nanoTime();
    for (int i = 0; i < ROUND_CALLS; i++) {
      boolean all = i % 4 != 3;
      math.prepare(w, 0, all ? w : null);
      math.writeGradient(rows, 0, out, 0, all ? db : null);
      float[] data = all ? out.floats() : null;
      if (vectors) {
        AdamRows.applyRow(p, 0, v, data, 0, 1e-6, all ? 0.0 : 1e-4, m, vv, 1e-9, 1e-8);
      } else {
        ScalarAdamRows.applyRow(p, 0, v, data, 0, 1e-6, all ? 0.0 : 1e-4, m, vv, 1e-9, 1e-8);
      }
    }
    return System.nanoTime() - t;
  }
}
