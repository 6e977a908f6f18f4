package dev.bigram.analysis;

import dev.bigram.data.CountRows;
import dev.bigram.data.RowBlock;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The most frequent training pairs {@code (prev, next)} and the most frequent context words (rows by their
 * total {@code n[prev]}), from row blocks: a plain serializable aggregator with {@code add} / {@code merge},
 * testable without Spark. Ties are broken by ids, so the result does not depend on the partitioning. Pairs
 * and contexts that involve {@code excludedId} ({@code <unk>}) are skipped: they are not word relationships.
 */
public final class TopCounts implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A training pair and how often it occurred. */
  public record PairCount(int prev, int next, long count) implements Serializable {}

  /** A context word and how many training bigrams start with it. */
  public record ContextCount(int id, long count) implements Serializable {}

  /** Most frequent first, then by ids. */
  public static final Comparator<PairCount> PAIR_ORDER = Comparator.comparingLong(PairCount::count).reversed()
      .thenComparingInt(PairCount::prev).thenComparingInt(PairCount::next);
  public static final Comparator<ContextCount> CONTEXT_ORDER =
      Comparator.comparingLong(ContextCount::count).reversed().thenComparingInt(ContextCount::id);

  private final int maxPairs;
  private final int maxContexts;
  private final int excludedId;
  private List<PairCount> pairs = new ArrayList<>();
  private List<ContextCount> contexts = new ArrayList<>();

  public TopCounts(int maxPairs, int maxContexts, int excludedId) {
    if (maxPairs < 0 || maxContexts < 0) {
      throw new IllegalArgumentException("sizes must be >= 0, got " + maxPairs + " and " + maxContexts);
    }
    this.maxPairs = maxPairs;
    this.maxContexts = maxContexts;
    this.excludedId = excludedId;
  }

  /** Adds the training counts of one block. */
  public TopCounts add(RowBlock block) {
    CountRows t = block.train();
    PriorityQueue<PairCount> topPairs = new PriorityQueue<>(PAIR_ORDER.reversed());
    PriorityQueue<ContextCount> topContexts = new PriorityQueue<>(CONTEXT_ORDER.reversed());
    topPairs.addAll(pairs);
    topContexts.addAll(contexts);
    for (int r = 0; r < t.numRows(); r++) {
      int prev = t.row(r);
      if (prev == excludedId) continue;
      offer(topContexts, new ContextCount(prev, t.rowTotal(r)), maxContexts, CONTEXT_ORDER);
      for (int k = t.pairStart(r); k < t.pairEnd(r); k++) {
        if (t.nextId(k) == excludedId) continue;
        offer(topPairs, new PairCount(prev, t.nextId(k), t.pairCount(k)), maxPairs, PAIR_ORDER);
      }
    }
    pairs = sorted(topPairs, PAIR_ORDER);
    contexts = sorted(topContexts, CONTEXT_ORDER);
    return this;
  }

  /** Merges another aggregator's candidates into this one. */
  public TopCounts merge(TopCounts other) {
    pairs = top(pairs, other.pairs, maxPairs, PAIR_ORDER);
    contexts = top(contexts, other.contexts, maxContexts, CONTEXT_ORDER);
    return this;
  }

  /** The most frequent pairs, best first. */
  public List<PairCount> pairs() {
    return List.copyOf(pairs);
  }

  /** The most frequent context words, best first. */
  public List<ContextCount> contexts() {
    return List.copyOf(contexts);
  }

  /** Keeps the heap at the {@code max} best, its head being the worst kept. */
  private static <T> void offer(PriorityQueue<T> heap, T candidate, int max, Comparator<T> order) {
    if (max == 0) return;
    if (heap.size() < max) {
      heap.add(candidate);
    } else if (order.compare(candidate, heap.peek()) < 0) {
      heap.poll();
      heap.add(candidate);
    }
  }

  private static <T> List<T> sorted(PriorityQueue<T> heap, Comparator<T> order) {
    List<T> out = new ArrayList<>(heap);
    out.sort(order);
    return out;
  }

  private static <T> List<T> top(List<T> a, List<T> b, int max, Comparator<T> order) {
    List<T> all = new ArrayList<>(a.size() + b.size());
    all.addAll(a);
    all.addAll(b);
    all.sort(order);
    return new ArrayList<>(all.subList(0, Math.min(max, all.size())));
  }
}
