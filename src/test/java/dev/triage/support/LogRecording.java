package dev.triage.support;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects every log record of the application (JBoss LogManager is the JVM's log manager in
 * tests) from {@link #install()} to {@link #remove()}: ERROR lines, stack traces, and each line
 * to search for secrets.
 */
public final class LogRecording extends Handler {

    private final List<LogRecord> records = java.util.Collections.synchronizedList(new ArrayList<>());

    public static LogRecording install() {
        LogRecording capture = new LogRecording();
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
        return capture;
    }

    /** Proves the handler sees the application's log: a line logged through JBoss Logging must arrive. */
    public void selfCheck() {
        String marker = "log capture check " + System.nanoTime();
        org.jboss.logging.Logger.getLogger("dev.triage.test").info(marker);
        if (lines().stream().noneMatch(line -> line.contains(marker))) {
            throw new AssertionError("the log capture does not see the application's log");
        }
        records.removeIf(r -> r.getMessage() != null && r.getMessage().contains(marker));
    }

    public void remove() {
        Logger.getLogger("").removeHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    private List<LogRecord> snapshot() {
        synchronized (records) {
            return new ArrayList<>(records);
        }
    }

    public List<String> lines() {
        return snapshot().stream().map(LogRecording::line).toList();
    }

    public List<String> errors() {
        return snapshot().stream().filter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogRecording::line).toList();
    }

    public List<String> stackTraces() {
        return snapshot().stream().filter(r -> r.getThrown() != null)
                .map(r -> line(r) + " <- " + r.getThrown()).toList();
    }

    private static String line(LogRecord r) {
        String message = r.getMessage();
        try {
            if (r.getParameters() != null && r.getParameters().length > 0 && message != null) {
                message = message.contains("{0") ? java.text.MessageFormat.format(message, r.getParameters())
                        : String.format(message, r.getParameters());
            }
        } catch (RuntimeException e) {
            // keep the raw message
        }
        String thrown = r.getThrown() == null ? "" : " " + r.getThrown();
        return r.getLevel() + " [" + r.getLoggerName() + "] " + message + thrown;
    }
}
