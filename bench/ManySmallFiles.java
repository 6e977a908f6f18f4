import dev.bigram.data.Corpus;
import dev.bigram.data.CorpusReader;
import dev.bigram.data.ReadSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Thousands of one-line files, read by Spark's textFile (Hadoop's listing, one task per file) and by the job's
 * CorpusReader (its own listing, splits coalesced): seconds to list and read, and the number of tasks.
 *
 *   mvn -q -o -pl job dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 *   java $(sed -n 's|.*<spark.module.flags>\(.*\)</spark.module.flags>.*|\1|p' pom.xml) \
 *     -cp "$(cat /tmp/cp.txt):job/target/classes" bench/ManySmallFiles.java 3000 /tmp/many
 */
public class ManySmallFiles {
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    Path dir = Path.of(args[1]);
    Files.createDirectories(dir);
    for (int i = 0; i < n; i++) {
      Files.writeString(dir.resolve("part-" + i + ".txt"), "the cat sat on the mat " + i + "\n",
          StandardCharsets.UTF_8);
    }
    SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    for (int round = 1; round <= 2; round++) {
      long t0 = System.nanoTime();
      var text = jsc.textFile(dir.toString());
      int textTasks = text.getNumPartitions();
      long textLines = text.count();
      double textSeconds = (System.nanoTime() - t0) / 1e9;
      t0 = System.nanoTime();
      Corpus corpus = CorpusReader.open(jsc, List.of(dir.toString()), ReadSettings.defaults());
      int corpusTasks = corpus.records().getNumPartitions();
      long corpusLines = corpus.lines().count();
      double corpusSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(java.util.Locale.ROOT, "round %d, %d files: textFile %d lines, %d tasks, %.1f s;"
          + " CorpusReader %d lines, %d tasks, %.1f s%n", round, n, textLines, textTasks, textSeconds, corpusLines,
          corpusTasks, corpusSeconds);
    }
    spark.stop();
  }
}
