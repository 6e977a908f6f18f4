package dev.bigram.optim;

/** The exercise's decay: {@code lr_e = max(lr0 * decay^e, lrMin)} for epoch {@code e = 1, 2, ...}. */
public record LearningRateSchedule(double initial, double decay, double minimum) {

  public double at(int epoch) {
    return Math.max(initial * Math.pow(decay, epoch), minimum);
  }
}
