package dev.bigram.output;

import dev.bigram.data.CountRows;
import dev.bigram.data.RowBlock;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code counts/}: the training bigrams of a run, {@code prev int, next int, count long} (vocabulary ids), one
 * row per distinct pair, in plain Parquet. The Dataset of bigrams the model was trained on, and what
 * {@code evaluate --baseline} rebuilds the count-based baselines from.
 */
public final class CountsTable {
  public static final StructType SCHEMA = new StructType()
      .add("prev", DataTypes.IntegerType, false)
      .add("next", DataTypes.IntegerType, false)
      .add("count", DataTypes.LongType, false);

  private CountsTable() {}

  public static void write(SparkSession spark, JavaRDD<RowBlock> blocks, Path runDir) {
    JavaRDD<Row> rows = blocks.flatMap(b -> rows(b.train()).iterator());
    spark.createDataFrame(rows, SCHEMA).write().mode(SaveMode.ErrorIfExists)
        .parquet(new Path(runDir, "counts").toString());
  }

  static List<Row> rows(CountRows train) {
    List<Row> out = new ArrayList<>(train.numPairs());
    for (int r = 0; r < train.numRows(); r++) {
      for (int k = train.pairStart(r); k < train.pairEnd(r); k++) {
        out.add(RowFactory.create(train.row(r), train.nextId(k), train.pairCount(k)));
      }
    }
    return out;
  }

  public static Dataset<Row> read(SparkSession spark, Path runDir) {
    return ModelReader.readTable(spark, runDir, "counts", SCHEMA, ds -> ds.select("prev", "next", "count"));
  }
}
