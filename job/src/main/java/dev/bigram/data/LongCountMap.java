package dev.bigram.data;

import java.util.Arrays;

/**
 * A counter keyed by {@code long}, with open addressing and linear probing over two primitive arrays: the
 * per-partition combiner of the data pass, where a boxed {@code HashMap<Long, Long>} would allocate two objects
 * per bigram. {@link Long#MIN_VALUE} marks an empty slot and cannot be used as a key.
 */
public final class LongCountMap {
  private static final long EMPTY = Long.MIN_VALUE;
  private long[] keys;
  private long[] values;
  private int size;
  private int mask;

  public LongCountMap(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    keys = new long[capacity];
    values = new long[capacity];
    Arrays.fill(keys, EMPTY);
    mask = capacity - 1;
  }

  public void add(long key, long delta) {
    if (key == EMPTY) throw new IllegalArgumentException("Long.MIN_VALUE is reserved");
    int slot = slot(key);
    while (true) {
      long k = keys[slot];
      if (k == key) {
        values[slot] += delta;
        return;
      }
      if (k == EMPTY) {
        keys[slot] = key;
        values[slot] = delta;
        if (++size * 2 > keys.length) grow();
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  public long get(long key) {
    int slot = slot(key);
    while (true) {
      long k = keys[slot];
      if (k == key) return values[slot];
      if (k == EMPTY) return 0L;
      slot = (slot + 1) & mask;
    }
  }

  public int size() {
    return size;
  }

  /** Visits every entry. */
  public void forEach(Entry visitor) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != EMPTY) visitor.accept(keys[i], values[i]);
    }
  }

  @FunctionalInterface
  public interface Entry {
    void accept(long key, long value);
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new long[oldKeys.length * 2];
    Arrays.fill(keys, EMPTY);
    mask = keys.length - 1;
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY) add(oldKeys[i], oldValues[i]);
    }
  }
}
