package dev.bigram.optim;

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

  private final float[] mW;
  private final float[] vW;
  private final float[] mB;
  private final float[] vB;
  private long steps;

  /** Moments for {@code numWeights} weights (the model's {@link BigramModel#numWeights()}) and V biases. */
  public Adam(long numWeights, int numClasses, boolean withBias) {
    this.mW = new float[Math.toIntExact(numWeights)];
    this.vW = new float[Math.toIntExact(numWeights)];
    this.mB = withBias ? new float[numClasses] : null;
    this.vB = withBias ? new float[numClasses] : null;
  }

  @Override
  public double step(BigramModel model, Gradient gradient, double learningRate, L2 l2) {
    steps++;
    double c1 = 1.0 - Math.pow(BETA1, steps);
    double c2 = 1.0 - Math.pow(BETA2, steps);
    double stepSize = learningRate * Math.sqrt(c2) / c1;
    double epsHat = EPSILON * Math.sqrt(c2);
    UpdateLoop.Rule weightRule = (w, i, g) -> update(w[i], mW, vW, i, g, stepSize, epsHat);
    UpdateLoop.Rule biasRule = (b, j, g) -> update(b[j], mB, vB, j, g, stepSize, epsHat);
    UpdateLoop.RowRule rowRule = VectorSupport.useFor(model.numClasses())
        ? (w, offset, v, data, dataOffset, scale, l2w) ->
            AdamRows.applyRow(w, offset, v, data, dataOffset, scale, l2w, mW, vW, stepSize, epsHat)
        : (w, offset, v, data, dataOffset, scale, l2w) ->
            ScalarAdamRows.applyRow(w, offset, v, data, dataOffset, scale, l2w, mW, vW, stepSize, epsHat);
    return UpdateLoop.apply(model, gradient, l2, rowRule, weightRule, biasRule);
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

  @Override
  public void restore(OptimizerState state) {
    steps = state.steps();
    System.arraycopy(state.weightMean(), 0, mW, 0, mW.length);
    System.arraycopy(state.weightVariance(), 0, vW, 0, vW.length);
    if (mB != null) {
      System.arraycopy(state.biasMean(), 0, mB, 0, mB.length);
      System.arraycopy(state.biasVariance(), 0, vB, 0, vB.length);
    }
  }
}
