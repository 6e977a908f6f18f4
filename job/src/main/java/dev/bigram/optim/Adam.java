package dev.bigram.optim;

import dev.bigram.loss.FactorGradient;
import dev.bigram.loss.Gradient;
import dev.bigram.math.VectorSupport;
import dev.bigram.model.BigramModel;

/**
 * Adam (Kingma and Ba, 2015) with bias correction, full batch. On this convex problem it reaches the loss floor
 * in tens of epochs where plain gradient descent needs thousands, because rows of rare words have gradients
 * orders of magnitude smaller than frequent ones and Adam scales each coordinate by its own history. Moments
 * are stored as float, like the weights.
 *
 * <p>A float gradient (the fast kernel) is applied a whole row at a time, by {@link AdamRows} on vectors or by
 * its bit-identical scalar twin {@link ScalarAdamRows}, as {@link VectorSupport#useFor} chooses; a double
 * gradient (the exact kernel) element by element in double.
 */
public final class Adam implements Optimizer {
  static final double BETA1 = 0.9;
  static final double BETA2 = 0.999;
  static final double EPSILON = 1e-8;
  /** The weights' epsilon as a fraction of the L2 strength ({@link #epsilon}). */
  static final double EPSILON_PER_L2 = 0.1;

  private final float[] mW;
  private final float[] vW;
  private final float[] mB;
  private final float[] vB;
  private long steps;
  /** The factors' gradient's arrays, kept from one step to the next ({@link FactorGradient.Workspace}). */
  private final FactorGradient.Workspace factorWorkspace = new FactorGradient.Workspace();

  /** Moments for {@code numWeights} weights (the model's {@link BigramModel#numWeights()}) and V biases. */
  public Adam(long numWeights, int numClasses, boolean withBias) {
    this.mW = new float[Math.toIntExact(numWeights)];
    this.vW = new float[Math.toIntExact(numWeights)];
    this.mB = withBias ? new float[numClasses] : null;
    this.vB = withBias ? new float[numClasses] : null;
  }

  /**
   * Adam continuing from {@code state}, whose arrays become its own (no copy: the caller gives them up); a null
   * mean is zero, as in {@link #restore}.
   */
  Adam(OptimizerState state, long numWeights, int numClasses, boolean withBias) {
    int n = Math.toIntExact(numWeights);
    if (state.weightVariance() == null || state.weightVariance().length != n
        || withBias != (state.biasVariance() != null)
        || (withBias && state.biasVariance().length != numClasses)) {
      throw new IllegalArgumentException("an optimizer state for " + n + " weights and " + (withBias ? numClasses
          : 0) + " biases was expected");
    }
    this.mW = state.weightMean() != null ? state.weightMean() : new float[n];
    this.vW = state.weightVariance();
    this.mB = !withBias ? null : state.biasMean() != null ? state.biasMean() : new float[numClasses];
    this.vB = state.biasVariance();
    this.steps = state.steps();
  }

  @Override
  public double step(BigramModel model, Gradient gradient, double learningRate, L2 l2) {
    steps++;
    double c1 = 1.0 - Math.pow(BETA1, steps);
    double c2 = 1.0 - Math.pow(BETA2, steps);
    double stepSize = learningRate * Math.sqrt(c2) / c1;
    double epsHat = epsilon(l2) * Math.sqrt(c2);
    double biasEpsHat = EPSILON * Math.sqrt(c2);
    UpdateLoop.Rule weightRule = (w, i, g) -> update(w[i], mW, vW, i, g, stepSize, epsHat);
    UpdateLoop.Rule biasRule = (b, j, g) -> update(b[j], mB, vB, j, g, stepSize, biasEpsHat);
    // The low-rank factors sit behind W in the weight array, and so do their moments; like the bias they keep
    // the plain epsilon (their gradients are sums over whole rows and columns, not one pair's).
    UpdateLoop.Rule factorRule = (f, i, g) -> update(f[i], mW, vW, i, g, stepSize, biasEpsHat);
    UpdateLoop.RowRule rowRule = VectorSupport.useFor(model.numClasses())
        ? (w, offset, v, data, dataOffset, scale, l2w) ->
            AdamRows.applyRow(w, offset, v, data, dataOffset, scale, l2w, mW, vW, stepSize, epsHat)
        : (w, offset, v, data, dataOffset, scale, l2w) ->
            ScalarAdamRows.applyRow(w, offset, v, data, dataOffset, scale, l2w, mW, vW, stepSize, epsHat);
    return UpdateLoop.apply(model, gradient, l2, rowRule, weightRule, biasRule, factorRule, factorWorkspace);
  }

  /**
   * The weights' epsilon: {@link #EPSILON}, or a tenth of the L2 strength when that is larger. Adam moves every
   * weight whose gradient is above epsilon by about the learning rate, whatever the gradient's size. The weight
   * of a pair never seen in a frequent word's row has a gradient of about {@code 1e-6} and an optimum within a
   * few hundredths of 0, where the L2 holds it; steps of 0.1 overshoot it, and the L2 penalty of millions of such
   * weights raised the training loss by 0.8 nats at epoch 2 on {@code sample-data/}. A gradient below the L2's
   * pull is a weight that the L2, not the data, holds: its step is then about {@code lr * gradient / epsilon},
   * which at a learning rate of 0.1 is the distance to where the L2 holds it, and at the default 0.3 three times
   * that: a small fraction of the whole learning rate that each of them moved before. Weights the data moves
   * (gradients far above the L2 strength) keep Adam's step. The bias has no L2 and keeps {@link #EPSILON}.
   */
  static double epsilon(L2 l2) {
    return Math.max(EPSILON, EPSILON_PER_L2 * l2.strength());
  }

  static float update(float theta, float[] m, float[] v, int i, double g, double stepSize, double epsHat) {
    double mi = BETA1 * m[i] + (1 - BETA1) * g;
    double vi = BETA2 * v[i] + (1 - BETA2) * g * g;
    m[i] = (float) mi;
    v[i] = (float) vi;
    return (float) (theta - stepSize * mi / (Math.sqrt(vi) + epsHat));
  }
  @Override
  public String name() {
    return "adam";
  }

  @Override
  public OptimizerState state() {
    return new OptimizerState(steps, mW, vW, mB, vB);
  }

  /** A null mean is zero ({@link OptimizerState#withoutMeans}). */
  private static void copyOrZero(float[] from, float[] to) {
    if (from == null) {
      java.util.Arrays.fill(to, 0f);
    } else {
      System.arraycopy(from, 0, to, 0, to.length);
    }
  }

  @Override
  public void restore(OptimizerState state) {
    steps = state.steps();
    copyOrZero(state.weightMean(), mW);
    System.arraycopy(state.weightVariance(), 0, vW, 0, vW.length);
    if (mB != null) {
      copyOrZero(state.biasMean(), mB);
      System.arraycopy(state.biasVariance(), 0, vB, 0, vB.length);
    }
  }
}
