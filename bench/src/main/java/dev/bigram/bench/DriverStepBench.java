package dev.bigram.bench;

import dev.bigram.loss.FactorGradient;
import dev.bigram.loss.Gradient;
import dev.bigram.loss.GradientRows;
import dev.bigram.model.BigramModel;
import dev.bigram.optim.Adam;
import dev.bigram.optim.L2;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The driver's share of a dense epoch, outside the kernel, on the driver's cores: the L2 penalty added to the
 * training loss, the copy of the best model, the low-rank factors' gradient and the whole Adam step (which
 * includes that gradient), each timed on its own over a random float gradient of {@code V x V}.
 *
 * <pre>bench/java.sh -Xmx8g dev.bigram.bench.DriverStepBench V RANK REPS</pre>
 *
 * Prints each part's seconds per repetition and their medians over all but the first (the JIT's).
 */
public final class DriverStepBench {
  private DriverStepBench() {}

  public static void main(String[] args) {
    int v = Integer.parseInt(args[0]);
    int rank = Integer.parseInt(args[1]);
    int reps = Integer.parseInt(args[2]);
    BigramModel model = BigramModel.initialize(v, true, 0.01, 1L, rank);
    BigramModel best = model.copy();
    SplittableRandom random = new SplittableRandom(3);
    List<GradientRows> rows = new ArrayList<>();
    for (int first = 0; first < v; first += 1000) {
      GradientRows g = new GradientRows(first, Math.min(1000, v - first), v, true);
      float[] x = g.floats();
      for (int k = 0; k < x.length; k++) x[k] = (float) (random.nextGaussian() * 1e-5);
      rows.add(g);
    }
    Gradient gradient = new Gradient(rows, new double[v], 1.0);
    Adam adam = new Adam(model.numWeights(), v, true);
    L2 l2 = new L2(1e-6, 3e-6);
    FactorGradient.Workspace workspace = new FactorGradient.Workspace();
    String[] names = {"penalty", "best copy", "factor gradient", "Adam step"};
    double[][] seconds = new double[names.length][reps];
    double check = 0;
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      check += l2.penalty(model);
      long t1 = System.nanoTime();
      best.copyFrom(model);
      long t2 = System.nanoTime();
      check += FactorGradient.of(model.weights(), v, rank, gradient, workspace)[0];
      long t3 = System.nanoTime();
      check += adam.step(model, gradient, 0.01, l2);
      long t4 = System.nanoTime();
      long[] marks = {t0, t1, t2, t3, t4};
      StringBuilder line = new StringBuilder("rep " + r + ":");
      for (int p = 0; p < names.length; p++) {
        seconds[p][r] = (marks[p + 1] - marks[p]) / 1e9;
        line.append(String.format(Locale.ROOT, "  %s %.3f s", names[p], seconds[p][r]));
      }
      System.out.println(line);
    }
    StringBuilder medians = new StringBuilder(String.format(Locale.ROOT, "V=%d rank=%d median of reps 2..%d:", v,
        rank, reps));
    for (int p = 0; p < names.length; p++) {
      double[] s = Arrays.copyOfRange(seconds[p], Math.min(1, reps - 1), reps);
      Arrays.sort(s);
      medians.append(String.format(Locale.ROOT, "  %s %.3f s", names[p], s[s.length / 2]));
    }
    System.out.println(medians + "  (checksum " + check + ")");
  }
}
