package dev.bigram.testing;

import dev.bigram.loss.Gradient;
import dev.bigram.loss.GradientRows;
import java.util.ArrayList;
import java.util.List;

/** Reading a {@link Gradient} the way tests compare it: one row at a time, in double. */
public final class Gradients {
  private Gradients() {}

  /** The unnormalized gradient row {@code row} ({@code numClasses} entries), or null when no range holds it. */
  public static double[] row(Gradient g, int row, int numClasses) {
    for (GradientRows r : g.rows()) {
      if (r.contains(row)) {
        double[] out = new double[numClasses];
        int off = r.offsetOf(row);
        for (int j = 0; j < numClasses; j++) out[j] = r.value(off + j);
        return out;
      }
    }
    return null;
  }

  /** The same gradient with its rows stored in double: what the update rules take element by element. */
  public static Gradient inDouble(Gradient g, int numClasses) {
    List<GradientRows> rows = new ArrayList<>();
    for (GradientRows r : g.rows()) {
      GradientRows d = new GradientRows(r.firstRow(), r.numRows(), numClasses, false);
      for (int i = r.firstRow(); i < r.endRow(); i++) {
        for (int j = 0; j < numClasses; j++) d.doubles()[d.offsetOf(i) + j] = r.value(r.offsetOf(i) + j);
      }
      rows.add(d);
    }
    return new Gradient(rows, g.bias(), g.scale());
  }
}
