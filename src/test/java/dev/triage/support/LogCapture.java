package dev.triage.support;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Counts the service's own log records that an operator would have to explain: ERROR (SEVERE)
 * records and records carrying a stack trace. Installed on the root logger of the JVM that runs
 * the service under test (JBoss LogManager, through java.util.logging).
 */
public final class LogCapture extends Handler {

    /** Keeps the first few for the failure message; counts all. */
    private static final int KEPT = 20;

    private final List<String> kept = new ArrayList<>();
    private int count;

    private LogCapture() {
    }

    /** The capture on the root logger, installed once per service start (a restart resets logging). */
    public static synchronized LogCapture installed() {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            if (handler instanceof LogCapture capture) {
                return capture;
            }
        }
        LogCapture capture = new LogCapture();
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
        return capture;
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.SEVERE.intValue() || record.getThrown() != null) {
            count++;
            if (kept.size() < KEPT) {
                Throwable thrown = record.getThrown();
                kept.add(record.getLevel() + " [" + record.getLoggerName() + "] " + record.getMessage()
                        + (thrown == null ? "" : " / " + thrown));
            }
        }
    }

    /** How many such records so far. */
    public synchronized int count() {
        return count;
    }

    /** The first of them, for a failure message. */
    public synchronized List<String> examples() {
        return List.copyOf(kept);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
