package dev.bigram.cli;

import dev.bigram.config.ConfigurationException;
import dev.bigram.config.Redaction;
import dev.bigram.data.InputException;
import dev.bigram.output.OutputException;
import java.io.PrintStream;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The command line: {@code train}, {@code predict}, {@code evaluate} and {@code export}. Parses and validates, runs the
 * command, and turns every failure into one line on standard error and a documented {@link ExitCode}.
 */
@Command(name = "bigram-trainer", mixinStandardHelpOptions = true, version = "bigram-trainer 1.0.0",
    description = "Trains and serves softmax next-word (bigram) models on Spark.",
    subcommands = {TrainCommand.class, PredictCommand.class, EvaluateCommand.class, ExportCommand.class},
    footer = {"", "Exit codes: 0 success, 1 internal error, 2 bad configuration, 3 bad input, 4 output error,",
        "5 training diverged, 6 quality gate failed."})
public final class Main implements Runnable {

  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  Supplier<SparkSession> sparkSupplier = Main::defaultSession;
  PrintStream out = System.out;
  PrintStream err = System.err;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "a command is required: train, predict,"
        + " evaluate or export (see --help)");
  }

  public static void main(String[] args) {
    int code = execute(args, Main::defaultSession, System.out, System.err);
    System.exit(code);
  }

  /** Runs one command; the exit code is returned, never thrown. Tests call this with their own session. */
  public static int execute(String[] args, Supplier<SparkSession> spark, PrintStream out, PrintStream err) {
    Main main = new Main();
    main.sparkSupplier = spark;
    main.out = out;
    main.err = err;
    CommandLine cli = new CommandLine(main);
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> main.handle(e));
    cli.setParameterExceptionHandler((e, args2) -> {
      err.println("error: " + e.getMessage());
      err.println("usage: " + e.getCommandLine().getCommandSpec().qualifiedName()
          + " --help shows the options");
      return ExitCode.BAD_CONFIGURATION.code();
    });
    return cli.execute(args);
  }

  int handle(Exception e) {
    Throwable unwrapped = unwrap(e);
    Throwable cause = unwrapped instanceof ConfigurationException || unwrapped instanceof CommandFailure
        ? unwrapped : MissingFileSystem.explain(e).<Throwable>map(c -> c).orElse(unwrapped);
    if (verbose) {
      // Before the messages: the last line of output states the outcome. Masked like every other line.
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new java.io.PrintWriter(trace));
      err.print(Redaction.redactText(trace.toString()));
    }
    ExitCode code;
    if (cause instanceof ConfigurationException ce) {
      for (String p : ce.problems()) say("error: " + p);
      say("Failed: the configuration has " + ce.problems().size() + " problem"
          + (ce.problems().size() == 1 ? "" : "s") + "; nothing was run.");
      code = ExitCode.BAD_CONFIGURATION;
    } else if (cause instanceof IllegalArgumentException) {
      say("error: " + cause.getMessage());
      code = ExitCode.BAD_CONFIGURATION;
    } else if (cause instanceof InputException) {
      say("error: " + cause.getMessage());
      code = ExitCode.BAD_INPUT;
    } else if (cause instanceof OutputException) {
      say("error: " + cause.getMessage());
      code = ExitCode.OUTPUT_ERROR;
    } else if (cause instanceof CommandFailure cf) {
      say(cf.getMessage());
      code = cf.code();
    } else {
      say("error: internal error: " + cause + (verbose ? "" : " (rerun with --verbose for the stack trace)"));
      code = ExitCode.INTERNAL_ERROR;
    }
    return code.code();
  }

  /** One line of the outcome on standard error, with secrets (URL passwords, key=secret) masked. */
  private void say(String line) {
    err.println(Redaction.redactText(line));
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CommandLine.ExecutionException && t.getCause() != null) t = t.getCause();
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof InputException || c instanceof OutputException || c instanceof ConfigurationException
          || c instanceof CommandFailure) {
        return c;
      }
    }
    return t;
  }

  static SparkSession defaultSession() {
    return SparkSession.builder().appName("bigram-trainer").getOrCreate();
  }

  SparkSession spark() {
    return sparkSupplier.get();
  }

  /** A command that ran but must report a non-zero outcome (diverged, quality gate). */
  public static final class CommandFailure extends RuntimeException {
    private final ExitCode code;

    public CommandFailure(ExitCode code, String message) {
      super(message);
      this.code = code;
    }

    public ExitCode code() {
      return code;
    }
  }
}
