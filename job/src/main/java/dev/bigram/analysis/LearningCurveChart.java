package dev.bigram.analysis;

import dev.bigram.optim.StopReason;
import dev.bigram.train.EpochRecord;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The learning curve of a run, drawn headless with XChart: training and validation loss per epoch, the loss
 * floor as a dashed line, the learning rate on a second (right) axis, the best epoch as a vertical line and the
 * stopping point as a marker. Non-finite losses (a diverged epoch) are left out of the lines.
 */
public final class LearningCurveChart {
  public static final int WIDTH = 800;
  public static final int HEIGHT = 500;
  public static final String PNG_NAME = "learning-curve.png";
  public static final String SVG_NAME = "learning-curve.svg";

  static {
    // A Spark driver has no display: render in memory. Only set when the user has not chosen.
    if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
  }

  private static final Color TRAIN = new Color(31, 119, 180);
  private static final Color VALIDATION = new Color(255, 127, 14);
  private static final Color FLOOR = new Color(110, 110, 110);
  private static final Color BEST = new Color(44, 160, 44);
  private static final Color STOP = new Color(214, 39, 40);
  private static final Color RATE = new Color(148, 103, 189);
  private static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
      new float[] {6f, 4f}, 0f);
  private static final BasicStroke DOTTED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
      new float[] {2f, 3f}, 0f);

  private LearningCurveChart() {}

  /** The chart of {@code history} (at least one epoch). */
  public static XYChart build(String runId, List<EpochRecord> history, double floor, int bestEpoch,
      StopReason stopReason) {
    if (history.isEmpty()) throw new IllegalArgumentException("no epoch to draw");
    XYChart chart = new XYChart(WIDTH, HEIGHT);
    chart.setTitle("Learning curve of run " + runId);
    chart.setXAxisTitle("epoch");
    chart.setYAxisTitle("loss (nats)");
    chart.setYAxisGroupTitle(1, "learning rate");
    Styler styler = chart.getStyler();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setLegendFont(chart.getStyler().getLegendFont().deriveFont(11f));
    chart.getStyler().setLegendPadding(4);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
    chart.getStyler().setXAxisDecimalPattern("#");
    chart.getStyler().putYAxisGroupDecimalPatternMap(0, "0.0#");
    chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    styler.setAntiAlias(true);

    double[][] train = points(history, EpochRecord::trainLoss);
    line(chart, "training loss", train, TRAIN, new BasicStroke(2f), 0);
    double[][] validation = points(history, EpochRecord::validationLoss);
    if (validation[0].length > 0) {
      line(chart, "validation loss", validation, VALIDATION, new BasicStroke(2f), 0);
    }
    int first = history.get(0).epoch();
    int last = history.get(history.size() - 1).epoch();
    if (Double.isFinite(floor)) {
      line(chart, String.format(Locale.ROOT, "floor %.3f", floor),
          new double[][] {{first, Math.max(last, first + 1)}, {floor, floor}}, FLOOR, DASHED, 0);
    }
    double[] range = lossRange(train, validation, floor);
    if (bestEpoch >= first && bestEpoch <= last) {
      line(chart, "best epoch " + bestEpoch, new double[][] {{bestEpoch, bestEpoch}, range}, BEST, DOTTED, 0);
    }
    EpochRecord end = history.get(history.size() - 1);
    double endLoss = Double.isFinite(end.trainLoss()) ? end.trainLoss() : range[1];
    XYSeries stop = chart.addSeries("stop: " + stopReason.label(),
        new double[] {end.epoch()}, new double[] {endLoss});
    stop.setMarker(SeriesMarkers.DIAMOND);
    stop.setMarkerColor(STOP);
    stop.setLineStyle(new BasicStroke(0f));
    stop.setLineColor(STOP);

    double[][] rate = points(history, EpochRecord::learningRate);
    if (rate[0].length > 0) {
      line(chart, "learning rate (right)", rate, RATE, new BasicStroke(1.2f), 1);
      double maxRate = 0;
      for (double r : rate[1]) maxRate = Math.max(maxRate, r);
      chart.getStyler().setYAxisMin(1, 0.0);
      chart.getStyler().setYAxisMax(1, maxRate > 0 ? maxRate * 1.1 : 1.0);
      chart.getStyler().putYAxisGroupDecimalPatternMap(1, maxRate >= 1e-3 ? "0.0##" : "0.0E0");
    }
    return chart;
  }

  public static byte[] png(XYChart chart) throws IOException {
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }

  public static byte[] svg(XYChart chart) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    return out.toByteArray();
  }

  private static void line(XYChart chart, String name, double[][] xy, Color color, BasicStroke stroke, int axis) {
    XYSeries s = chart.addSeries(name, xy[0], xy[1]);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setLineStyle(stroke);
    s.setYAxisGroup(axis);
  }

  /** {x[], y[]} of the finite values. */
  private static double[][] points(List<EpochRecord> history, ToDoubleFunction<EpochRecord> value) {
    List<double[]> xy = new ArrayList<>();
    for (EpochRecord r : history) {
      double y = value.applyAsDouble(r);
      if (Double.isFinite(y)) xy.add(new double[] {r.epoch(), y});
    }
    double[][] out = new double[2][xy.size()];
    for (int i = 0; i < xy.size(); i++) {
      out[0][i] = xy.get(i)[0];
      out[1][i] = xy.get(i)[1];
    }
    return out;
  }

  private static double[] lossRange(double[][] train, double[][] validation, double floor) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] ys : new double[][] {train[1], validation[1], Double.isFinite(floor) ? new double[] {floor}
        : new double[0]}) {
      for (double y : ys) {
        lo = Math.min(lo, y);
        hi = Math.max(hi, y);
      }
    }
    if (!Double.isFinite(lo)) return new double[] {0, 1};
    return new double[] {lo, hi};
  }
}
