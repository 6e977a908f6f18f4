package dev.bigram.output;

import dev.bigram.analysis.PairTraceRow;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code pair_trace/} as Parquet: {@code epoch int, prev string, next string, probability double}, one row per
 * traced pair per epoch; the probability is under the parameters the epoch's history row reports.
 */
public final class PairTraceTable {
  public static final String NAME = "pair_trace";
  public static final StructType SCHEMA = new StructType()
      .add("epoch", DataTypes.IntegerType, false)
      .add("prev", DataTypes.StringType, false)
      .add("next", DataTypes.StringType, false)
      .add("probability", DataTypes.DoubleType, false);

  private PairTraceTable() {}

  public static List<Row> rows(List<PairTraceRow> trace) {
    List<Row> rows = new ArrayList<>(trace.size());
    for (PairTraceRow r : trace) rows.add(RowFactory.create(r.epoch(), r.prev(), r.next(), r.probability()));
    return rows;
  }

  public static void write(SparkSession spark, List<PairTraceRow> trace, Path dir) {
    spark.createDataFrame(rows(trace), SCHEMA).coalesce(1).write().mode(SaveMode.ErrorIfExists)
        .parquet(new Path(dir, NAME).toString());
  }
}
