package dev.bigram.output;

import dev.bigram.analysis.LearnedPattern;
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
 * {@code patterns/} as Parquet: for each frequent context word, the next words the published model predicts
 * above {@code analysis.min-probability}, best first:
 * {@code context string, context_rank int, context_count long, next string, rank int, probability double,
 * strength string} (strong, clear or weak).
 */
public final class PatternTable {
  public static final String NAME = "patterns";
  public static final StructType SCHEMA = new StructType()
      .add("context", DataTypes.StringType, false)
      .add("context_rank", DataTypes.IntegerType, false)
      .add("context_count", DataTypes.LongType, false)
      .add("next", DataTypes.StringType, false)
      .add("rank", DataTypes.IntegerType, false)
      .add("probability", DataTypes.DoubleType, false)
      .add("strength", DataTypes.StringType, false);

  private PatternTable() {}

  public static List<Row> rows(List<LearnedPattern> patterns) {
    List<Row> rows = new ArrayList<>(patterns.size());
    for (LearnedPattern p : patterns) {
      rows.add(RowFactory.create(p.context(), p.contextRank(), p.contextCount(), p.next(), p.rank(),
          p.probability(), p.strength().label()));
    }
    return rows;
  }

  public static void write(SparkSession spark, List<LearnedPattern> patterns, Path dir) {
    spark.createDataFrame(rows(patterns), SCHEMA).coalesce(1).write().mode(SaveMode.ErrorIfExists)
        .parquet(new Path(dir, NAME).toString());
  }
}
