package dev.bigram.output;

import dev.bigram.analysis.AnalysisReport;
import dev.bigram.analysis.Findings;
import dev.bigram.analysis.LearningCurveChart;
import dev.bigram.config.AnalysisSettings;
import dev.bigram.optim.Convergence;
import dev.bigram.train.TrainingResult;
import java.io.IOException;
import org.apache.spark.sql.SparkSession;
import org.knowm.xchart.XYChart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analysis's files in a run: {@code pair_trace/}, {@code patterns/}, {@code report.md},
 * {@code learning-curve.png} and {@code .svg} (docs/analysis.md).
 */
public final class AnalysisFiles {
  private static final Logger LOG = LoggerFactory.getLogger(AnalysisFiles.class);

  private AnalysisFiles() {}

  /** Writes the tables, the chart and the report into the staging directory of {@code run}. */
  public static void write(SparkSession spark, RunDirectory run, TrainingResult result, double floor,
      Convergence convergence, Findings findings, AnalysisSettings settings) throws IOException {
    long t0 = System.nanoTime();
    PairTraceTable.write(spark, findings.trace(), run.staging());
    PatternTable.write(spark, findings.patterns(), run.staging());
    byte[] png;
    byte[] svg;
    try {
      XYChart chart = LearningCurveChart.build(run.runId(), result.history(), floor, result.bestEpoch(),
          result.stopReason());
      png = LearningCurveChart.png(chart);
      svg = LearningCurveChart.svg(chart);
    } catch (RuntimeException | LinkageError | java.awt.AWTError e) {
      // A picture is not worth failing a nightly run for: the tables and the report are still written.
      LOG.warn("Analysis: the learning-curve chart could not be drawn ({}); the run goes on without it. Java needs"
          + " fontconfig and one font to draw text headless (Debian: fontconfig fonts-dejavu-core).", e.toString());
      png = null;
      svg = null;
    }
    if (png != null) {
      run.writeBytes(LearningCurveChart.PNG_NAME, png);
      run.writeBytes(LearningCurveChart.SVG_NAME, svg);
    }
    run.writeText(AnalysisReport.NAME, AnalysisReport.markdown(run.runId(), result, floor, convergence, findings,
        settings));
    LOG.info("Analysis: {} trace rows, {} patterns, chart and report written in {} s", findings.trace().size(),
        findings.patterns().size(), String.format(java.util.Locale.ROOT, "%.3f", (System.nanoTime() - t0) / 1e9));
  }
}
