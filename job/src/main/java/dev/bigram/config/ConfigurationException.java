package dev.bigram.config;

import java.util.List;

/** Every problem found in the configuration, reported together. */
public final class ConfigurationException extends RuntimeException {
  private final List<String> problems;

  public ConfigurationException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
