package dev.bigram.testing;

import dev.bigram.data.RowBlock;
import dev.bigram.data.RowBlockBuilder;
import dev.bigram.data.RowBlocks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import scala.Tuple2;

/** Raw bigram occurrences, as the exercise lists them, and the row blocks that count them. */
public final class Occurrences {
  /** One occurrence of {@code prev -> next}, in the training or the validation split. */
  public record Pair(int prev, int next, boolean validation) {}

  private Occurrences() {}

  /** Random occurrences over {@code v} ids, skewed so that some pairs repeat, with a seed. */
  public static List<Pair> random(int v, int count, double validationShare, long seed) {
    Random r = new Random(seed);
    List<Pair> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int prev = (int) Math.min(v - 1, Math.abs(r.nextGaussian()) * v / 3);
      int next = r.nextDouble() < 0.5 ? (prev * 7 + 3) % v : r.nextInt(v);
      out.add(new Pair(prev, next, r.nextDouble() < validationShare));
    }
    return out;
  }

  /** Counts the occurrences into the blocks of {@code partitioner}, as the data pass would. */
  public static List<RowBlock> blocks(List<Pair> pairs, RowBlocks partitioner) {
    int v = partitioner.numClasses();
    Map<Integer, List<Tuple2<Long, Long>>> byBlock = new HashMap<>();
    for (Pair p : pairs) {
      long key = RowBlocks.key(p.prev(), p.next(), p.validation(), v);
      byBlock.computeIfAbsent(partitioner.getPartition(key), k -> new ArrayList<>()).add(new Tuple2<>(key, 1L));
    }
    List<RowBlock> blocks = new ArrayList<>();
    for (int b = 0; b < partitioner.numPartitions(); b++) {
      blocks.add(RowBlockBuilder.toBlock(b, byBlock.getOrDefault(b, List.of()).iterator(), partitioner));
    }
    return blocks;
  }
}
