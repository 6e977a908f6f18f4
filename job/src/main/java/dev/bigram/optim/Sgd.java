package dev.bigram.optim;

import dev.bigram.loss.FactorGradient;
import dev.bigram.loss.Gradient;
import dev.bigram.model.BigramModel;

/** The plain rule of the classroom exercise the job grew from (docs/design.md), on the full-batch gradient: {@code theta -= lr * grad}. */
public final class Sgd implements Optimizer {

  /** The factors' gradient's arrays, kept from one step to the next. */
  private final FactorGradient.Workspace factorWorkspace = new FactorGradient.Workspace();

  @Override
  public double step(BigramModel model, Gradient gradient, double learningRate, L2 l2) {
    return UpdateLoop.apply(model, gradient, l2, (w, index, g) -> w[index] - (float) (learningRate * g),
        (b, j, g) -> b[j] - (float) (learningRate * g), factorWorkspace);
  }

  @Override
  public String name() {
    return "sgd";
  }
}
