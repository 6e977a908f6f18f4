package dev.bigram.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.data.RowBlock;
import dev.bigram.data.RowBlocks;
import dev.bigram.math.VectorSupport;
import dev.bigram.model.BigramModel;
import dev.bigram.optim.L2;
import dev.bigram.optim.Optimizer;
import dev.bigram.testing.Occurrences;
import dev.bigram.testing.Processes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A JVM without {@code jdk.incubator.vector} (an executor started without the module, say) trains with the
 * fast kernel on its scalar twins: nothing of theirs may load a vector class, and they give the vector code's
 * bits. A child JVM without the module runs {@link #main}; this JVM, on its vector code, checks the child's
 * numbers bit for bit.
 */
class NoVectorModuleTest {
  /** Large enough for the vector code (where the JVM has it), with whole chunks of 16 and a tail. */
  static final int V = VectorSupport.VECTOR_FROM_CLASSES + 5;

  /** One fast evaluation against the exact one, then three Adam steps; prints what the parent checks. */
  public static void main(String[] args) {
    BigramModel m = model();
    List<RowBlock> blocks = blocks();
    double exact = KernelTest.aggregate(m, blocks, Kernel.EXACT, null).loss();
    double fast = KernelTest.aggregate(m, blocks, Kernel.FAST, null).loss();
    Optimizer adam = Optimizer.create("adam", (long) V * V, V, true);
    for (int step = 0; step < 3; step++) adam.step(m, KernelTest.aggregate(m, blocks, Kernel.FAST, null).gradient(), 0.1, new L2(1e-3));
    // Doubles print as their shortest exact decimal: parsed back, the same bits.
    System.out.println("available=" + VectorSupport.available() + " lanes=" + VectorSupport.FLOAT_LANES + " vector="
        + VectorSupport.useFor(V) + " exact=" + exact + " fast=" + fast + " after="
        + KernelTest.aggregate(m, blocks, Kernel.EXACT, null).loss());
  }

  /** Logits spread over tens of nats, so that the order of the sums shows in their last bits. */
  static BigramModel model() {
    return BigramModel.initialize(V, true, 20.0, 4);
  }

  static List<RowBlock> blocks() {
    return Occurrences.blocks(Occurrences.random(V, 5000, 0.1, 8), new RowBlocks(V, 2));
  }

  /** Runs {@link #main} in a child JVM with these options; returns what it printed, by name. */
  static Map<String, String> child(String... options) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(java));
    cmd.addAll(List.of(options));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NoVectorModuleTest.class.getName()));
    Processes.Result r = Processes.run(cmd, Path.of(".").toFile(), Map.of(), 300);
    assertEquals(0, r.exitCode(), "child JVM failed:\n" + r.stderr());
    Map<String, String> got = new java.util.HashMap<>();
    for (String kv : r.lastLine(r.stdout()).split(" ")) {
      got.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    return got;
  }

  @Test
  void theFastKernelTrainsWithoutTheVectorModuleToTheSameBits() throws Exception {
    assertTrue(VectorSupport.useFor(V), "here, the vector code must be what the child is compared with");
    Map<String, String> got = child();
    assertEquals("false", got.get("available"), "the child must run without the vector API");
    assertSameTraining(got);
  }

  /** Vectors of 8 floats (AVX2) sum in two accumulators, to the same bits as 16 (AVX-512) and the twins. */
  @Test
  void eightLaneVectorsGiveTheSameBits() throws Exception {
    assertTrue(VectorSupport.useFor(V), "here, the vector code must be what the child is compared with");
    Map<String, String> got = child("--add-modules=jdk.incubator.vector", "-XX:MaxVectorSize=32");
    assertEquals("8", got.get("lanes"), "the child's vectors are 256 bits");
    assertEquals("true", got.get("vector"), "the child computes on its vector code");
    assertSameTraining(got);
  }

  private static void assertSameTraining(Map<String, String> child) {
    // Here, with the module: the same training.
    BigramModel m = model();
    List<RowBlock> blocks = blocks();
    double exact = KernelTest.aggregate(m, blocks, Kernel.EXACT, null).loss();
    assertEquals(exact, Double.parseDouble(child.get("exact")), 0.0, "the exact kernel is the same everywhere");
    double fast = KernelTest.aggregate(m, blocks, Kernel.FAST, null).loss();
    assertEquals(Double.doubleToLongBits(fast), Double.doubleToLongBits(Double.parseDouble(child.get("fast"))),
        "the child's fast kernel gives this JVM's bits: " + fast + " here, " + child.get("fast"));
    Optimizer adam = Optimizer.create("adam", (long) V * V, V, true);
    for (int step = 0; step < 3; step++) adam.step(m, KernelTest.aggregate(m, blocks, Kernel.FAST, null).gradient(), 0.1, new L2(1e-3));
    double after = KernelTest.aggregate(m, blocks, Kernel.EXACT, null).loss();
    assertTrue(after < exact, "three Adam steps lower the loss");
    assertEquals(Double.doubleToLongBits(after), Double.doubleToLongBits(Double.parseDouble(child.get("after"))),
        "three Adam steps in the child give this JVM's weights");
  }
}
