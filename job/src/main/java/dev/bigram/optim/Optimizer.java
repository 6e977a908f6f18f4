package dev.bigram.optim;

import dev.bigram.loss.Gradient;
import dev.bigram.model.BigramModel;

/**
 * A central update rule: given the model, the merged gradient of one epoch and that epoch's learning rate,
 * updates the parameters in place. The full gradient of the objective is
 * {@code dW = gradient.scale() * rows + l2.gradient(W)} and {@code db = gradient.scale() * gradient.bias()} (no L2
 * on the bias).
 */
public interface Optimizer {

  /** Applies one step; returns the L2 norm of the full gradient at the parameters before the step. */
  double step(BigramModel model, Gradient gradient, double learningRate, L2 l2);

  /** The optimizer's name as in {@code train.optimizer}. */
  String name();

  /** The optimizer's state (moments, step count) for checkpoints; empty for stateless rules. */
  default OptimizerState state() {
    return OptimizerState.NONE;
  }

  /** Restores what {@link #state()} returned. */
  default void restore(OptimizerState state) {}

  /**
   * An optimizer continuing from {@code state}, which it takes over: its arrays become the optimizer's own and
   * change with every step (no copy, where {@link #restore} copies). A state without moments (plain gradient
   * descent's) has nothing to take over.
   */
  static Optimizer adopting(String name, OptimizerState state, long numWeights, int numClasses,
      boolean withBias) {
    if (name.equals("adam") && state.weightVariance() != null) {
      return new Adam(state, numWeights, numClasses, withBias);
    }
    Optimizer o = create(name, numWeights, numClasses, withBias);
    o.restore(state);
    return o;
  }

  static Optimizer create(String name, long numWeights, int numClasses, boolean withBias) {
    return switch (name) {
      case "sgd" -> new Sgd();
      case "adam" -> new Adam(numWeights, numClasses, withBias);
      default -> throw new IllegalArgumentException("unknown optimizer '" + name + "', expected sgd or adam");
    };
  }
}
