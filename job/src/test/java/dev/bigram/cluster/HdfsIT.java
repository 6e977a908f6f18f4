package dev.bigram.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigram.cli.Main;
import dev.bigram.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against a real HDFS: an in-process {@link MiniDFSCluster} (one namenode, one datanode, bound to
 * 127.0.0.1). The corpus is read from {@code hdfs://} through a glob that matches a gzip file and a plain one; the
 * run is staged, published and pointed to by LATEST on HDFS; predict and evaluate load the model back from there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HdfsIT extends SparkTestBase {
  @TempDir
  static java.nio.file.Path dir;
  static MiniDFSCluster hdfs;
  static FileSystem fs;
  static String root;

  @BeforeAll
  static void startHdfs() throws IOException {
    Configuration conf = new Configuration();
    for (String key : List.of("dfs.namenode.rpc-address", "dfs.namenode.http-address", "dfs.datanode.address",
        "dfs.datanode.http.address", "dfs.datanode.ipc.address")) {
      conf.set(key, "127.0.0.1:0");
    }
    conf.set("dfs.datanode.hostname", "127.0.0.1");
    conf.setBoolean("dfs.namenode.servicerpc-address.auto", false);
    hdfs = new MiniDFSCluster.Builder(conf, dir.resolve("hdfs").toFile()).numDataNodes(1)
        .checkDataNodeAddrConfig(true).checkDataNodeHostConfig(true).build();
    hdfs.waitActive();
    root = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();
    fs = FileSystem.get(java.net.URI.create(root), conf);

    // The exercise's five sentences: three gzipped, two plain, and a file the glob must not match.
    List<String> lines = Files.readAllLines(projectRoot().resolve("sample-data/exercise-training.txt"));
    try (OutputStream out = new GZIPOutputStream(fs.create(new Path(root + "/corpus/part-1.txt.gz")))) {
      out.write((String.join("\n", lines.subList(0, 3)) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    write(root + "/corpus/part-2.txt", String.join("\n", lines.subList(3, 5)) + "\n");
    write(root + "/corpus/notes.md", "the glob skips this file: zebra zebra zebra\n");
  }

  @AfterAll
  static void stopHdfs() throws IOException {
    if (fs != null) fs.close();
    if (hdfs != null) hdfs.shutdown();
  }

  static void write(String path, String text) throws IOException {
    try (OutputStream out = fs.create(new Path(path))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  static String read(String path) throws IOException {
    try (InputStream in = fs.open(new Path(path))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Runs one command in this JVM, on the test's local SparkSession; returns exit code, stdout and stderr. */
  static String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.execute(args, () -> spark, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8)};
  }

  static String[] train(String runId, String... sets) {
    List<String> args = new ArrayList<>(List.of("train", "--input", root + "/corpus/part-*", "--output",
        root + "/runs", "--run-id", runId, "--set", "vocab.min-count=1", "--set", "train.validation-fraction=0",
        "--set", "train.max-epochs=60"));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    return run(args.toArray(String[]::new));
  }

  @Test
  @Order(1)
  void trainReadsAGzipAndAGlobFromHdfsAndPublishesThere() throws IOException {
    String[] r = train("h1");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].startsWith("Published run h1 to " + root + "/runs/h1"), r[1]);
    assertTrue(fs.exists(new Path(root + "/runs/h1/_SUCCESS")));
    assertEquals("h1", read(root + "/runs/LATEST").trim());
    assertFalse(fs.exists(new Path(root + "/runs/_staging/h1")), "staging is renamed away on publish");
    for (String table : List.of("model", "vocab", "history")) {
      assertTrue(fs.exists(new Path(root + "/runs/h1/" + table + "/_SUCCESS")), table + " written on HDFS");
    }
    JsonNode summary = new ObjectMapper().readTree(read(root + "/runs/h1/summary.json"));
    assertEquals(5, summary.get("lines").asInt(), "3 gzipped lines and 2 plain ones; notes.md is not matched");
    assertEquals(25, summary.get("train_bigrams").asInt(), "5 sentences of 6 words");
    assertEquals(11, summary.get("vocab_size").asInt(), "the exercise's 10 words and <unk>: no 'zebra'");
  }

  @Test
  @Order(2)
  void predictAndEvaluateLoadTheModelFromHdfs() throws IOException {
    String[] predict = run("predict", "--model", root + "/runs", "--word", "the", "--top", "2", "--json");
    assertEquals("0", predict[0], predict[2]);
    JsonNode top = new ObjectMapper().readTree(predict[1].strip());
    assertEquals("cat", top.get(0).get("word").asText(), predict[1]);
    // "the" is followed by cat 3 times and by dog, mat and park twice each: the runner-up is one of the tied three.
    assertTrue(List.of("dog", "mat", "park").contains(top.get(1).get("word").asText()), predict[1]);
    assertTrue(top.get(0).get("probability").asDouble() > top.get(1).get("probability").asDouble() + 0.05,
        predict[1]);

    String[] evaluate = run("evaluate", "--model", root + "/runs/h1", "--input", root + "/corpus/part-*",
        "--json");
    assertEquals("0", evaluate[0], evaluate[2]);
    JsonNode eval = new ObjectMapper().readTree(evaluate[1].strip());
    assertEquals(25, eval.get("bigrams").asInt());
    assertEquals(0.0, eval.get("oov_rate").asDouble(), 0.0);
    assertTrue(eval.get("cross_entropy").asDouble() < 1.5, "a trained model beats log(10) = 2.30 nats");
  }

  @Test
  @Order(3)
  void aRunThatFailsPublishesNothingAndLeavesLatest() throws IOException {
    // Adam moves every weight by about the learning rate per epoch: float W overflows within a few epochs.
    String[] r = train("h2", "train.learning-rate=1e38", "train.decay=1", "train.min-learning-rate=1e38",
        "early-stopping.patience=1000");
    assertEquals("5", r[0], "diverged\n" + r[1] + r[2]);
    assertFalse(fs.exists(new Path(root + "/runs/h2")), "a diverged run is never published");
    assertFalse(fs.exists(new Path(root + "/runs/_staging/h2/_SUCCESS")), "its staging copy is incomplete");
    assertEquals("h1", read(root + "/runs/LATEST").trim(), "LATEST still names the last good run");

    String[] again = train("h3", "train.max-epochs=3");
    assertEquals("0", again[0], again[2]);
    assertEquals("h3", read(root + "/runs/LATEST").trim(), "LATEST moves to the new run");
    assertTrue(fs.exists(new Path(root + "/runs/h1/_SUCCESS")), "the earlier run stays");
  }

  @Test
  @Order(4)
  void aSparseModelTrainsPublishesExportsAndAnswersOnHdfs() throws IOException {
    String[] r = train("s1", "model.weights=sparse");
    assertEquals("0", r[0], r[2]);
    JsonNode summary = new ObjectMapper().readTree(read(root + "/runs/s1/summary.json"));
    assertEquals("sparse", summary.get("model_weights").asText());
    assertEquals(summary.get("distinct_bigrams").asLong(), summary.get("model_pairs").asLong());
    String[] predict = run("predict", "--model", root + "/runs/s1", "--word", "the", "--top", "1", "--json");
    assertEquals("0", predict[0], predict[2]);
    assertEquals("cat", new ObjectMapper().readTree(predict[1].strip()).get(0).get("word").asText(), predict[1]);
    String[] export = run("export", "--model", root + "/runs/s1", "--output", root + "/s1.arpa.gz", "--json");
    assertEquals("0", export[0], export[2]);
    assertTrue(fs.exists(new Path(root + "/s1.arpa.gz")), "the ARPA file is written on HDFS");
    assertEquals(summary.get("model_pairs").asLong(), new ObjectMapper().readTree(export[1].strip())
        .get("bigrams").asLong());
  }
}
