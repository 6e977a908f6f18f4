package dev.bigram.loss;

import dev.bigram.math.VectorSupport;
import java.util.Locale;

/**
 * How the per-row softmax, loss and gradient are computed ({@code train.kernel}).
 *
 * <ul>
 *   <li>{@link #EXACT}: the reference. Logits, {@code exp}, sums and the gradient in {@code double}; the
 *       gradient travels back to the driver as {@code double}. Agrees with the per-occurrence formula to
 *       {@code 1e-9} relative (BigramLossAggregatorTest).</li>
 *   <li>{@link #FAST}: the default. One fused pass per row computes {@code exp(z - max)} once, in
 *       {@code float}, with the JDK's vector API (16 lanes with AVX-512) when {@code jdk.incubator.vector} is
 *       on the module path and its code is compiled, and otherwise with a scalar loop that gives the same
 *       bits ({@link VectorSupport}). Sums (log-sum-exp, loss, {@code db}) stay in
 *       {@code double}; the gradient is stored and shipped as {@code float}, half the bytes. Agrees with
 *       {@link #EXACT} within {@link #FAST_LOSS_TOLERANCE} on the loss and {@link #FAST_GRADIENT_TOLERANCE}
 *       on each gradient entry (KernelTest).</li>
 * </ul>
 */
public enum Kernel {
  EXACT,
  FAST;

  /**
   * Relative error of the {@link #FAST} loss against {@link #EXACT}: float {@code exp} is accurate to about
   * {@code 1e-7} relative per term, summed in double.
   */
  public static final double FAST_LOSS_TOLERANCE = 1e-6;

  /**
   * Error of a {@link #FAST} gradient entry against {@link #EXACT}, relative to the row total {@code n[i]}
   * (the scale of {@code n p - c}): float storage rounds to 6e-8 of the largest term.
   */
  public static final double FAST_GRADIENT_TOLERANCE = 1e-6;

  public static Kernel of(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A new per-task row evaluator for {@code numClasses} columns (not thread-safe: it owns scratch space). */
  RowMath newRowMath(int numClasses) {
    if (this == EXACT) return new ExactRowMath(numClasses);
    return VectorSupport.useFor(numClasses) ? new VectorRowMath(numClasses) : new ScalarRowMath(numClasses);
  }
}
