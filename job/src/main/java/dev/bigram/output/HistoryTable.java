package dev.bigram.output;

import dev.bigram.train.EpochRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The per-epoch history as Parquet: one row per epoch, the documented columns first (docs/operations.md,
 * "Outputs of a run"). */
public final class HistoryTable {
  public static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("epoch", DataTypes.IntegerType, false)
      .add("train_loss", DataTypes.DoubleType, false)
      .add("validation_loss", DataTypes.DoubleType, true)
      .add("learning_rate", DataTypes.DoubleType, false)
      .add("grad_norm", DataTypes.DoubleType, false)
      .add("seconds", DataTypes.DoubleType, false)
      .add("status", DataTypes.StringType, false)
      .add("floor_gap", DataTypes.DoubleType, false)
      .add("is_best", DataTypes.BooleanType, false)
      .add("broadcast_bytes", DataTypes.LongType, false)
      .add("broadcast_seconds", DataTypes.DoubleType, false)
      .add("aggregate_seconds", DataTypes.DoubleType, false)
      .add("gradient_bytes", DataTypes.LongType, false)
      .add("update_seconds", DataTypes.DoubleType, false);

  private HistoryTable() {}

  public static List<Row> rows(String runId, List<EpochRecord> history) {
    List<Row> rows = new ArrayList<>(history.size());
    for (EpochRecord r : history) {
      rows.add(RowFactory.create(runId, r.epoch(), r.trainLoss(),
          Double.isNaN(r.validationLoss()) ? null : r.validationLoss(), r.learningRate(), r.gradNorm(),
          r.seconds(), r.status(), r.floorGap(), r.best(), r.broadcastBytes(), r.broadcastSeconds(),
          r.aggregateSeconds(), r.resultBytes(), r.updateSeconds()));
    }
    return rows;
  }

  public static void write(SparkSession spark, String runId, List<EpochRecord> history, Path dir) {
    spark.createDataFrame(rows(runId, history), SCHEMA).coalesce(1).write().mode(SaveMode.ErrorIfExists)
        .parquet(new Path(dir, "history").toString());
  }
}
