package dev.bigram.job;

import dev.bigram.data.InputException;
import dev.bigram.data.Vocabulary;
import dev.bigram.model.BigramModel;
import dev.bigram.model.LowRank;
import dev.bigram.model.SparsePairs;
import dev.bigram.output.PublishedRun;
import dev.bigram.output.RunFiles;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --init-from RUN_DIR|LATEST}: start from a published model instead of random weights. Rows and columns
 * are matched by word: {@code W[i][j]} of the new vocabulary takes the old {@code W[a][c]} when word {@code i}
 * was old word {@code a} and word {@code j} old word {@code c}, and {@code b[j]} the old {@code b[c]}. Entries
 * of new words keep their fresh initialisation; old words that dropped out are discarded. The optimizer starts
 * fresh (its moments belong to the old run's path, not to this one's).
 */
public final class WarmStart {
  private static final Logger LOG = LoggerFactory.getLogger(WarmStart.class);

  private WarmStart() {}

  /**
   * The carried-over model and what the summary reports.
   *
   * @param carriedOver words of the new vocabulary found in the old one ({@code <unk>} included)
   * @param newWords words of the new vocabulary that the old one lacked
   * @param droppedWords words of the old vocabulary that the new one lacks
   */
  public record Result(BigramModel model, int carriedOver, int newWords, int droppedWords, boolean factorsCarried) {}

  /**
   * Opens the run to start from: {@code LATEST} means {@code <output.dir>/LATEST}, and is empty (a cold start,
   * logged) while the output directory has no LATEST yet, so a nightly job's first night needs no other command
   * line. Anything else is a run directory, or an output directory whose LATEST run is used; it must be a
   * complete run ({@link InputException} otherwise).
   */
  public static Optional<PublishedRun> open(SparkSession spark, String initFrom, String outputDir) {
    if (RunFiles.LATEST.equals(initFrom)) {
      Path latest = new Path(outputDir, RunFiles.LATEST);
      try {
        if (!latest.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(latest)) {
          LOG.warn("--init-from LATEST: {} does not exist yet (no run published there); starting from random"
              + " weights", latest);
          return Optional.empty();
        }
      } catch (IOException e) {
        throw new InputException("--init-from LATEST: cannot read " + latest + " (" + e.getMessage() + ")", e);
      }
      return Optional.of(PublishedRun.open(spark, latest.toString()));
    }
    return Optional.of(PublishedRun.open(spark, initFrom));
  }

  /**
   * Copies, by word pair, what {@code old} knows into {@code fresh} (modified in place and returned), whatever
   * the two models' layouts: a pair of known words takes its old weight, every known word its old bias.
   */
  public static Result carryOver(BigramModel old, Vocabulary oldVocab, BigramModel fresh, Vocabulary newVocab) {
    return carryOver(old, null, oldVocab, fresh, newVocab);
  }

  /**
   * As above, from a published model whose {@code W} holds the low-rank term of {@code oldFactors} folded in
   * (null: none). When {@code fresh} has factors of the same rank they carry over by word too: a known word's row
   * of {@code A} and column of {@code B}, and a pair of known words takes its old {@code W} less the old term, so
   * that the two parts add up to where the published model was (to float rounding) and the factors keep what they
   * learned. Otherwise {@code fresh}'s factors stay as drawn, and its {@code W} takes the folded weights.
   */
  public static Result carryOver(BigramModel old, LowRank.Factors oldFactors, Vocabulary oldVocab, BigramModel fresh,
      Vocabulary newVocab) {
    int v = fresh.numClasses();
    int u = old.numClasses();
    if (newVocab.size() != v || oldVocab.size() != u) {
      throw new IllegalArgumentException("vocabularies of " + oldVocab.size() + " and " + newVocab.size()
          + " words do not match models of V = " + u + " and " + v);
    }
    int[] oldId = new int[v];
    int carried = 0;
    for (int i = 0; i < v; i++) {
      String word = newVocab.word(i);
      oldId[i] = oldVocab.contains(word) ? oldVocab.id(word) : -1;
      if (oldId[i] >= 0) carried++;
    }
    int[] newId = new int[u];
    java.util.Arrays.fill(newId, -1);
    for (int i = 0; i < v; i++) if (oldId[i] >= 0) newId[oldId[i]] = i;
    float[] w = fresh.weights();
    float[] ow = old.weights();
    java.util.stream.IntStream.range(0, v).parallel().filter(i -> oldId[i] >= 0).forEach(i -> {
      int a = oldId[i];
      if (fresh.isSparse()) {
        // Each pair of the new model takes the old model's weight of the same words (0 when the old one is
        // sparse and never saw the pair: it scored the bias alone, and so does weight 0).
        SparsePairs pairs = fresh.pairs();
        for (int k = pairs.rowStart(i); k < pairs.rowEnd(i); k++) {
          int b = oldId[pairs.column(k)];
          if (b >= 0) w[k] = old.weight(a, b);
        }
      } else if (old.isSparse()) {
        for (int j = 0; j < v; j++) if (oldId[j] >= 0) w[i * v + j] = 0f;
        SparsePairs pairs = old.pairs();
        for (int k = pairs.rowStart(a); k < pairs.rowEnd(a); k++) {
          int j = newId[pairs.column(k)];
          if (j >= 0) w[i * v + j] = ow[k];
        }
      } else {
        for (int j = 0; j < v; j++) {
          int b = oldId[j];
          if (b >= 0) w[i * v + j] = ow[a * u + b];
        }
      }
    });
    if (fresh.hasBias() && old.hasBias()) {
      for (int j = 0; j < v; j++) {
        if (oldId[j] >= 0) fresh.bias()[j] = old.bias()[oldId[j]];
      }
    }
    boolean factors = oldFactors != null && !fresh.isSparse() && !old.isSparse() && fresh.rank() == oldFactors.rank()
        && oldFactors.numClasses() == u;
    if (factors) {
      int r = fresh.rank();
      int aStart = LowRank.aStart(v);
      int bStart = LowRank.bStart(v, r);
      java.util.stream.IntStream.range(0, v).parallel().filter(i -> oldId[i] >= 0).forEach(i -> {
        int a = oldId[i];
        for (int k = 0; k < r; k++) {
          w[aStart + i * r + k] = oldFactors.a(a, k);
          w[bStart + k * v + i] = oldFactors.b(k, a);
        }
        for (int j = 0; j < v; j++) {
          int b = oldId[j];
          if (b >= 0) w[i * v + j] = ow[a * u + b] - oldFactors.term(a, b);
        }
      });
    }
    return new Result(fresh, carried, v - carried, u - carried, factors);
  }

  /** The summary fields of a run's start: {@code init_from} (null for a cold start) and the word counts. */
  public static Map<String, Object> summary(String argument, Path source, Result result) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("init_from", source == null ? null : source.toString());
    m.put("init_from_argument", argument);
    m.put("words_carried_over", result == null ? 0 : result.carriedOver());
    m.put("words_new", result == null ? null : result.newWords());
    m.put("words_dropped", result == null ? null : result.droppedWords());
    m.put("factors_carried_over", result != null && result.factorsCarried());
    return m;
  }
}
