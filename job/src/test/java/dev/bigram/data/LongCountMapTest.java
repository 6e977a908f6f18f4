package dev.bigram.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongCountMapTest {
  @Test
  void countsLikeAHashMapThroughManyResizes() {
    LongCountMap map = new LongCountMap(4);
    Map<Long, Long> expected = new HashMap<>();
    Random r = new Random(5);
    for (int i = 0; i < 200_000; i++) {
      long key = r.nextInt(50_000) - 10L;
      long delta = 1 + r.nextInt(3);
      map.add(key, delta);
      expected.merge(key, delta, Long::sum);
    }
    assertEquals(expected.size(), map.size());
    expected.forEach((k, v) -> assertEquals(v, map.get(k), "key " + k));
    Map<Long, Long> visited = new HashMap<>();
    map.forEach(visited::put);
    assertEquals(expected, visited);
    assertEquals(0L, map.get(123_456_789L));
  }
}
