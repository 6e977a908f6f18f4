package dev.bigram.data;

import java.io.Serializable;

/**
 * A file the reader could not use as text, or read in a way worth telling, reported from the task to the driver (never thrown in the task, so
 * that a bad file is one clear line, not a task failure with a stack trace and retries).
 *
 * @param path the file
 * @param kind what was wrong
 * @param detail the measured share of damaged bytes, or the reader's error message
 */
public record ReadIssue(String path, Kind kind, String detail) implements Serializable {
  public enum Kind {
    /** Mostly not UTF-8 text: skipped, or refused with input.on-binary = fail. */
    BINARY,
    /** Could not be opened or read to the end: missing, no permission, truncated or corrupt compression. */
    UNREADABLE,
    /** Not UTF-8 but clean Windows-1252 ({@code input.encoding = auto}): read as that, a note, not a problem. */
    WINDOWS_1252,
    /** Read, with bytes that were not text repaired (invalid UTF-8, NUL, control characters): a note. */
    DAMAGED
  }
}
