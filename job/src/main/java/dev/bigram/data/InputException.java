package dev.bigram.data;

/** Bad or missing input: a path that matches nothing, an unreadable or corrupt file, a corpus with no bigram. */
public final class InputException extends RuntimeException {
  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
