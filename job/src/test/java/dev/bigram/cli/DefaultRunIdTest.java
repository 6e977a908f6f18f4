package dev.bigram.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.output.RunDirectory;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/** The default run id: valid, to the millisecond, and chronological when sorted as text. */
class DefaultRunIdTest {
  @Test
  void millisecondsApartAreDifferentIdsInTimeOrder() {
    LocalDateTime t = LocalDateTime.of(2026, 11, 26, 10, 22, 33, 47_000_000);
    assertEquals("run-20261126-102233-047", TrainCommand.defaultRunId(t));
    String next = TrainCommand.defaultRunId(t.plusNanos(1_000_000));
    assertNotEquals(TrainCommand.defaultRunId(t), next);
    assertTrue(TrainCommand.defaultRunId(t).compareTo(next) < 0);
    assertTrue(next.compareTo(TrainCommand.defaultRunId(t.plusSeconds(1))) < 0);
    RunDirectory.checkRunId(next);
  }
}
