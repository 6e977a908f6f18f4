package dev.bigram.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The vector warm-up starts once, when the scalar work reaches the threshold, however the work is reported. */
class WarmUpTriggerTest {
  @Test
  void firesOnTheCallThatReachesTheThresholdAndNeverAgain() {
    WarmUpTrigger trigger = new WarmUpTrigger(1_000);
    assertFalse(trigger.reached());
    assertFalse(trigger.add(400));
    assertFalse(trigger.add(599));
    assertFalse(trigger.reached());
    assertTrue(trigger.add(1), "400 + 599 + 1 reaches 1,000");
    assertTrue(trigger.reached());
    assertFalse(trigger.add(5_000), "once only");
  }

  @Test
  void aZeroThresholdIsReachedFromTheStart() {
    assertTrue(new WarmUpTrigger(0).reached());
  }

  @Test
  void concurrentReportsFireItExactlyOnce() {
    WarmUpTrigger trigger = new WarmUpTrigger(50_000);
    AtomicInteger fired = new AtomicInteger();
    IntStream.range(0, 100_000).parallel().forEach(i -> {
      if (trigger.add(1)) fired.incrementAndGet();
    });
    assertEquals(1, fired.get());
  }
}
