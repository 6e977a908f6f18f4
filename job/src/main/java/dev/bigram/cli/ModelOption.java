package dev.bigram.cli;

import picocli.CommandLine.Option;

/** {@code --model}: the published run a reading command opens (a picocli mixin shared by predict and evaluate). */
final class ModelOption {
  @Option(names = "--model", required = true, paramLabel = "RUN_DIR",
      description = "A published run directory, or an output directory (its LATEST run is used).")
  String model;
}
