package dev.bigram.math;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which implementation of the fast kernel's row math this JVM runs, chosen once, the way Spark's BLAS picks its
 * implementation when its class loads: the JDK's incubating vector API where {@code jdk.incubator.vector} is on
 * the module path and the CPU's vectors fit the fixed sum order (16 or 8 float lanes, see {@link FloatExp}),
 * and the scalar code otherwise. Both give the same bits on every CPU (ScalarTwinTest, NoVectorModuleTest), so
 * a cluster whose executors differ computes what one JVM computes.
 *
 * <p>Per run, the vector code is used only from {@link #VECTOR_FROM_CLASSES} columns on. Until C2 has compiled
 * it, vector code runs as allocated objects: the first epoch on it costs about 2 s on 2 cores, which it wins
 * back at about {@code 2.6e-9 V^2} seconds an epoch against the scalar code, so only at a few thousand columns
 * within a run's tens to hundreds of epochs (measured in BENCHMARKS.md, "Kernel policy"; docs/design.md, "The
 * kernel"). The rule depends on {@code V} alone, so every JVM of a run picks alike.
 */
public final class VectorSupport {
  private static final Logger LOG = LoggerFactory.getLogger(VectorSupport.class);

  /** The fewest columns {@code V} at which the vector code is used (measured in BENCHMARKS.md). */
  public static final int VECTOR_FROM_CLASSES = 4_000;

  /** Lanes of the preferred float vector when the vector API can be used; 0 otherwise. */
  public static final int FLOAT_LANES = floatLanes();

  static {
    LOG.debug("Fast kernel: {}", FLOAT_LANES > 0 ? "vector API, " + FLOAT_LANES + " float lanes" : "scalar code");
  }

  private VectorSupport() {}

  /** Whether this JVM has the vector API with a width that fits the sum order. */
  public static boolean available() {
    return FLOAT_LANES > 0;
  }

  /** Whether a run with {@code numClasses} columns uses the vector code (else the bit-identical scalar code). */
  public static boolean useFor(int numClasses) {
    return available() && numClasses >= VECTOR_FROM_CLASSES;
  }

  private static int floatLanes() {
    try {
      Class.forName("jdk.incubator.vector.FloatVector");
      return Species.fitTheSumOrder() ? Species.floatLanes() : 0;
    } catch (ClassNotFoundException | LinkageError e) {
      return 0;
    }
  }

  /** Loaded only once the vector API is known to be on the module path. */
  private static final class Species {
    static int floatLanes() {
      return FloatVector.SPECIES_PREFERRED.length();
    }

    static boolean fitTheSumOrder() {
      int f = FloatVector.SPECIES_PREFERRED.length();
      return (f == 16 || f == 8) && DoubleVector.SPECIES_PREFERRED.length() * 2 == f;
    }
  }
}
