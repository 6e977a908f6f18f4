package dev.bigram.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.optim.StopReason;
import dev.bigram.train.EpochRecord;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

/** The learning-curve chart, rendered headless without Spark. */
class LearningCurveChartTest {
  static EpochRecord epoch(int e, double train, double validation, double lr) {
    return new EpochRecord(e, train, validation, lr, 1.0, 0.1, "Stable", train - 0.5, false, 0, 0, 0, 0, 0);
  }

  static List<EpochRecord> history(int n, boolean withValidation) {
    List<EpochRecord> h = new ArrayList<>();
    for (int e = 1; e <= n; e++) {
      h.add(epoch(e, 0.5 + 2.0 / e, withValidation ? 0.7 + 2.0 / e + 0.01 * e : Double.NaN, 0.1 * Math.pow(0.9, e)));
    }
    return h;
  }

  @Test
  void theChartHasEverySeriesAUserNeedsAndRendersAsAPngOfTheRightSize() throws Exception {
    XYChart chart = LearningCurveChart.build("r1", history(12, true), 0.5, 9, StopReason.EARLY_STOPPING);
    assertEquals(List.of("training loss", "validation loss", "floor 0.500", "best epoch 9",
        "stop: early_stopping", "learning rate (right)"), List.copyOf(chart.getSeriesMap().keySet()));
    assertEquals(1, chart.getSeriesMap().get("learning rate (right)").getYAxisGroup());
    assertEquals("Learning curve of run r1", chart.getTitle());
    assertEquals("epoch", chart.getXAxisTitle());
    assertEquals("loss (nats)", chart.getYAxisTitle());
    assertTrue(GraphicsEnvironment.isHeadless(), "rendered without a display");

    byte[] png = LearningCurveChart.png(chart);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertEquals(LearningCurveChart.WIDTH, image.getWidth());
    assertEquals(LearningCurveChart.HEIGHT, image.getHeight());
    String svg = new String(LearningCurveChart.svg(chart), StandardCharsets.UTF_8);
    assertTrue(svg.contains("<svg") && svg.contains("width=\"800px\"") && svg.strip().endsWith("</svg>"));
  }

  @Test
  void withoutValidationAndWithADivergedLastEpochTheChartStillRenders() throws Exception {
    List<EpochRecord> h = history(5, false);
    h.add(epoch(6, Double.NaN, Double.NaN, 0.05));
    XYChart chart = LearningCurveChart.build("r2", h, 0.5, 5, StopReason.DIVERGED);
    assertFalse(chart.getSeriesMap().containsKey("validation loss"));
    assertEquals(5, chart.getSeriesMap().get("training loss").getXData().length, "the NaN epoch is left out");
    assertTrue(chart.getSeriesMap().containsKey("stop: diverged"));
    assertEquals(LearningCurveChart.HEIGHT, ImageIO.read(new ByteArrayInputStream(LearningCurveChart.png(chart)))
        .getHeight());
  }

  @Test
  void oneEpochIsEnough() throws Exception {
    XYChart chart = LearningCurveChart.build("r3", history(1, true), 0.5, 1, StopReason.MAX_EPOCHS);
    assertEquals(LearningCurveChart.WIDTH, ImageIO.read(new ByteArrayInputStream(LearningCurveChart.png(chart)))
        .getWidth());
  }
}
