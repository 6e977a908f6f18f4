package dev.bigram.output;

/** The output directory cannot take the run: not writable, a file, full, or the run id is already complete. */
public final class OutputException extends RuntimeException {
  public OutputException(String message) {
    super(message);
  }

  public OutputException(String message, Throwable cause) {
    super(message, cause);
  }
}
