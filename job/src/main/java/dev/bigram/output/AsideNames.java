package dev.bigram.output;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Names of directories put aside while a run is published ({@code <prefix><uuid>}), and the test that
 * recognises them afterwards: made and read in one place, so that recovery finds exactly what publishing left,
 * and run {@code x} never takes {@code x-2}'s directories for its own.
 */
final class AsideNames {
  private static final Pattern UUID_SHAPE =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private AsideNames() {}

  /** A new name: {@code prefix} and a random UUID. */
  static String of(String prefix) {
    return prefix + UUID.randomUUID();
  }

  /** Whether {@code name} was made by {@link #of} with this {@code prefix}. */
  static boolean is(String name, String prefix) {
    return name.startsWith(prefix) && UUID_SHAPE.matcher(name.substring(prefix.length())).matches();
  }
}
