package dev.bigram.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.cli.Main;
import dev.bigram.config.TrainerConfig;
import dev.bigram.data.Vocabulary;
import dev.bigram.model.BigramModel;
import dev.bigram.output.PublishedRun;
import dev.bigram.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nightly retraining on a local SparkSession: warm starts, and runs started at once into one directory. */
class RetrainingTest extends SparkTestBase {
  @TempDir
  Path out;

  static String corpus(String file) {
    return projectRoot().resolve("sample-data").resolve(file).toString();
  }

  TrainJob.Outcome train(String runId, String initFrom, String file, String... sets) {
    List<String> all = new ArrayList<>(List.of("input.paths=[\"" + corpus(file) + "\"]", "output.dir=" + out,
        "vocab.size=300", "train.partitions=2"));
    all.addAll(List.of(sets));
    return TrainJob.run(spark, TrainerConfig.load(null, all), new TrainJob.RunOptions(runId, false, initFrom, false, false));
  }

  /**
   * Yesterday's model on the Bible, today's corpus the Jargon File: the words both know keep their rows and
   * columns exactly, the rest start as a cold start would, and the summary counts them.
   */
  @Test
  void aWarmStartCarriesSharedWordsOverToAChangedVocabulary() {
    // The first night: --init-from LATEST with no LATEST yet is a cold start.
    TrainJob.Outcome yesterday = train("bible", "LATEST", "kjv-excerpt.txt", "train.max-epochs=3");
    assertEquals(null, yesterday.summary().get("init_from"));
    assertEquals(0, yesterday.summary().get("words_carried_over"));
    // One epoch: the published (best) model is then the initial one, i.e. exactly what the warm start built.
    // A zero starting bias, so that a new word's bias is known here (the warm start maps, it does not train).
    // Without the low-rank term today: the published W, whose term is folded in, carries over exactly as it is.
    TrainJob.Outcome today = train("jargon", "LATEST", "jargon.txt", "train.max-epochs=1", "model.seed=99",
        "model.init-bias=zero", "model.rank=0");

    PublishedRun old = PublishedRun.open(spark, yesterday.runDir().toString());
    PublishedRun now = PublishedRun.open(spark, today.runDir().toString());
    Vocabulary oldVocab = old.vocabulary();
    Vocabulary newVocab = now.vocabulary();
    int shared = 0;
    for (int i = 0; i < newVocab.size(); i++) if (oldVocab.contains(newVocab.word(i))) shared++;
    assertTrue(shared > 20 && shared < newVocab.size() - 20, "a changed but overlapping vocabulary: " + shared);

    Map<String, Object> s = today.summary();
    assertEquals(yesterday.runDir().toString(), s.get("init_from"));
    assertEquals(shared, s.get("words_carried_over"));
    assertEquals(newVocab.size() - shared, s.get("words_new"));
    assertEquals(oldVocab.size() - shared, s.get("words_dropped"));

    BigramModel a = old.model();
    BigramModel b = now.model();
    BigramModel cold = BigramModel.initialize(newVocab.size(), true, 0.01, 99);
    int v = newVocab.size();
    int u = oldVocab.size();
    for (int i = 0; i < v; i++) {
      String wi = newVocab.word(i);
      for (int j = 0; j < v; j++) {
        String wj = newVocab.word(j);
        float expected = oldVocab.contains(wi) && oldVocab.contains(wj)
            ? a.weights()[oldVocab.id(wi) * u + oldVocab.id(wj)]
            : cold.weights()[i * v + j];
        assertEquals(expected, b.weights()[i * v + j], 0.0f, wi + " -> " + wj);
      }
      float expectedBias = oldVocab.contains(wi) ? a.bias()[oldVocab.id(wi)] : 0f;
      assertEquals(expectedBias, b.bias()[i], 0.0f, "bias of " + wi);
    }
  }

  /**
   * The nightly case: the same data again, starting from last night's model. Early stopping ends the warm run
   * after a few epochs at (or below) the cold run's best validation loss; the cold run needs many times more.
   */
  @Test
  void aWarmStartOnUnchangedDataConvergesInFarFewerEpochs() {
    // lr 0.05: at the default 0.3 the cold run itself stops after about 12 epochs on this small corpus, and with the
    // low-rank term after 20 at 0.1.
    String[] settings = {"train.max-epochs=300", "early-stopping.patience=3", "early-stopping.min-delta=0.001",
        "train.l2=0", "train.learning-rate=0.05"};
    TrainJob.Outcome cold = train("cold", null, "kjv-excerpt.txt", settings);
    TrainJob.Outcome warm = train("warm", cold.runDir().toString(), "kjv-excerpt.txt", settings);
    int coldEpochs = cold.result().history().size();
    int warmEpochs = warm.result().history().size();
    double coldBest = cold.result().bestRecord().validationLoss();
    double warmBest = warm.result().bestRecord().validationLoss();
    System.out.printf("warm start: cold %d epochs (best validation %.5f), warm %d epochs (best %.5f)%n",
        coldEpochs, coldBest, warmEpochs, warmBest);
    assertEquals(cold.result().stopReason(), dev.bigram.optim.StopReason.EARLY_STOPPING);
    assertTrue(warmEpochs * 4 <= coldEpochs, "warm " + warmEpochs + " epochs vs cold " + coldEpochs);
    assertTrue(warmBest <= coldBest + 1e-9, "warm best " + warmBest + " vs cold best " + coldBest);
  }

  /**
   * Two schedulers fire at once into one output directory. With distinct run ids both publish, LATEST names one
   * of them, and the cumulative history holds both curves. With the same run id exactly one runs; the other
   * is refused (exit 4) and the published run is whole.
   */
  @Test
  void runsStartedAtOnceIntoOneOutputDirectory() throws Exception {
    String training = corpus("exercise-training.txt");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> distinct = new ArrayList<>();
      for (String id : List.of("night-a", "night-b")) {
        distinct.add(pool.submit(() -> execute("train", "--input", training, "--output", out.toString(),
            "--run-id", id, "--set", "vocab.min-count=1", "--set", "train.max-epochs=4",
            "--set", "train.validation-fraction=0")));
      }
      for (Future<Integer> f : distinct) assertEquals(0, f.get());
      String latest = Files.readString(out.resolve("LATEST"), StandardCharsets.UTF_8).trim();
      assertTrue(latest.equals("night-a") || latest.equals("night-b"), latest);
      for (String id : List.of("night-a", "night-b")) {
        assertTrue(Files.exists(out.resolve(id).resolve("_SUCCESS")), id);
      }

      List<Future<Integer>> same = new ArrayList<>();
      for (int k = 0; k < 2; k++) {
        same.add(pool.submit(() -> execute("train", "--input", training, "--output", out.toString(),
            "--run-id", "twice", "--set", "vocab.min-count=1", "--set", "train.max-epochs=4",
            "--set", "train.validation-fraction=0")));
      }
      List<Integer> codes = new ArrayList<>();
      for (Future<Integer> f : same) codes.add(f.get());
      codes.sort(null);
      assertEquals(List.of(0, 4), codes, "one run, one refusal (being written, or already complete)");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(4, PublishedRun.open(spark, out.resolve("twice").toString()).summary().get("epochs_run"));

    // The cumulative history: every published run's curve, partitioned by run id.
    List<Row> rows = spark.read().option("basePath", out.resolve("_history").toString())
        .parquet(out.resolve("_history").toString()).collectAsList();
    Map<String, Integer> epochsPerRun = new TreeMap<>();
    for (Row r : rows) epochsPerRun.merge(r.getString(r.fieldIndex("run_id")), 1, Integer::sum);
    assertEquals(Map.of("night-a", 4, "night-b", 4, "twice", 4), epochsPerRun);
    try (Stream<Path> staging = Files.list(out.resolve("_staging"))) {
      assertEquals(List.of(), staging.toList(), "no lock, staging or temporary file is left behind");
    }
  }

  int execute(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.execute(args, () -> spark,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    if (code != 0) System.out.println("exit " + code + ": " + err.toString(StandardCharsets.UTF_8).strip());
    return code;
  }
}
