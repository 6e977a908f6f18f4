package dev.bigram.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.data.RowBlocks;
import dev.bigram.model.BigramModel;
import dev.bigram.testing.Occurrences;
import dev.bigram.testing.Processes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A JVM without {@code jdk.incubator.vector} (an executor started without the module, say) trains with the
 * fast kernel on its scalar twins: nothing of theirs may load a vector class. A child JVM without the module
 * runs {@link #main}; this JVM, with it, checks the child's numbers.
 */
class NoVectorModuleTest {
  static final int V = 37;

  /** One fast evaluation against the exact one, then three Adam steps; prints what the parent checks. */
  public static void main(String[] args) {
    BigramModel m = BigramLossAggregatorTest.model(V, true, 4);
    List<RowBlock> blocks = blocks();
    double exact = KernelTest.aggregate(m, blocks, Kernel.EXACT, null).loss();
    double fast = KernelTest.aggregate(m, blocks, Kernel.FAST, null).loss();
    Optimizer adam = Optimizer.create("adam", V, true);
    for (int step = 0; step < 3; step++) adam.step(m, KernelTest.aggregate(m, blocks, Kernel.FAST, null), 0.1, 1e-3);
    System.out.println("available=" + VectorSupport.AVAILABLE + " exact=" + exact + " fast=" + fast + " after="
        + KernelTest.aggregate(m, blocks, Kernel.EXACT, null).loss());
  }

  static List<RowBlock> blocks() {
    return Occurrences.blocks(Occurrences.random(V, 2000, 0.1, 8), new RowBlocks(V, 2));
  }

  @Test
  void theFastKernelTrainsWithoutTheVectorModule() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Processes.Result r = Processes.run(List.of(java, "-cp", System.getProperty("java.class.path"),
        NoVectorModuleTest.class.getName()), Path.of(".").toFile(), Map.of(), 120);
    assertEquals(0, r.exitCode(), "child JVM failed:\n" + r.stderr());
    Map<String, Double> got = new java.util.HashMap<>();
    String line = r.lastLine(r.stdout());
    assertTrue(line.startsWith("available=false "), "the child must run without the vector API: " + line);
    for (String kv : line.substring(line.indexOf(' ') + 1).split(" ")) {
      got.put(kv.substring(0, kv.indexOf('=')), Double.parseDouble(kv.substring(kv.indexOf('=') + 1)));
    }
    // Here, with the module: the same training.
    BigramModel m = BigramLossAggregatorTest.model(V, true, 4);
    List<RowBlock> blocks = blocks();
    double exact = KernelTest.aggregate(m, blocks, Kernel.EXACT, null).loss();
    assertEquals(exact, got.get("exact"), 0.0, "the exact kernel is the same everywhere");
    assertEquals(exact, got.get("fast"), Kernel.FAST_LOSS_TOLERANCE * exact, "fast kernel without vectors");
    Optimizer adam = Optimizer.create("adam", V, true);
    for (int step = 0; step < 3; step++) adam.step(m, KernelTest.aggregate(m, blocks, Kernel.FAST, null), 0.1, 1e-3);
    double after = KernelTest.aggregate(m, blocks, Kernel.EXACT, null).loss();
    assertTrue(after < exact, "three Adam steps lower the loss");
    assertEquals(after, got.get("after"), 1e-5 * after, "three steps without vectors against with them");
  }
}
