package dev.bigram.optim;

import dev.bigram.model.BigramModel;

/** The exercise's rule, on the full-batch gradient: {@code theta -= lr * grad}. */
public final class Sgd implements Optimizer {

  @Override
  public double step(BigramModel model, BigramLossAggregator gradient, double learningRate, double l2) {
    return UpdateLoop.apply(model, gradient, l2, (w, index, g) -> w[index] - (float) (learningRate * g),
        (b, j, g) -> b[j] - (float) (learningRate * g));
  }

  @Override
  public String name() {
    return "sgd";
  }
}
