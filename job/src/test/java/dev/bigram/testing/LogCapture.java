package dev.bigram.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures what the job logs (the {@code dev.bigram} loggers, at INFO and above) while open: the lines a user
 * would see on the console, for tests that look for a warning or for a leaked secret.
 */
public final class LogCapture implements AutoCloseable {
  private final List<String> lines = new ArrayList<>();
  private final Appender appender = new Appender();
  private final LoggerConfig logger;
  private final Level previous;

  public LogCapture() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    appender.start();
    logger = config.getLoggerConfig("dev.bigram");
    previous = logger.getLevel();
    logger.addAppender(appender, Level.INFO, null);
    logger.setLevel(Level.INFO);
    context.updateLoggers();
  }

  /** Every captured line: level, logger, message, and the stack trace text of a logged exception. */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  public String text() {
    return String.join("\n", lines());
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    logger.removeAppender(appender.getName());
    logger.setLevel(previous);
    context.updateLoggers();
    appender.stop();
  }

  private final class Appender extends AbstractAppender {
    Appender() {
      super("test-capture-" + System.identityHashCode(LogCapture.this), null, null, true, Property.EMPTY_ARRAY);
    }

    @Override
    public void append(LogEvent event) {
      StringBuilder sb = new StringBuilder().append(event.getLevel()).append(' ').append(event.getLoggerName())
          .append(": ").append(event.getMessage().getFormattedMessage());
      if (event.getThrown() != null) {
        java.io.StringWriter w = new java.io.StringWriter();
        event.getThrown().printStackTrace(new java.io.PrintWriter(w));
        sb.append('\n').append(w);
      }
      synchronized (LogCapture.this) {
        lines.add(sb.toString());
      }
    }
  }
}
