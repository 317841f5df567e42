package dev.triage.api;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.jboss.logging.Logger;

/**
 * Counts requests the HTTP layer refuses (malformed, too large, unroutable) and logs them as one
 * INFO line a minute at most: a client sending garbage cannot fill the log, and an operator still
 * sees that it happens. Each refusal is logged at DEBUG.
 */
final class Rejections {

    static final long INTERVAL_NANOS = 60_000_000_000L;
    private static final Logger LOG = Logger.getLogger(Rejections.class);

    private static final Map<Integer, LongAdder> COUNTS = new ConcurrentHashMap<>();
    static final AtomicLong LAST_REPORT = new AtomicLong(System.nanoTime());

    private Rejections() {
    }

    static void record(int status, String reason) {
        record(status, reason, System.nanoTime());
    }

    static void record(int status, String reason, long now) {
        LOG.debugf("Refused a request with %d: %s", status, reason);
        COUNTS.computeIfAbsent(status, s -> new LongAdder()).increment();
        long last = LAST_REPORT.get();
        if (now - last >= INTERVAL_NANOS && LAST_REPORT.compareAndSet(last, now)) {
            report((now - last) / 1_000_000_000L);
        }
    }

    private static void report(long seconds) {
        Map<Integer, Long> counts = new TreeMap<>();
        long total = 0;
        for (Map.Entry<Integer, LongAdder> entry : COUNTS.entrySet()) {
            long n = entry.getValue().sumThenReset();
            if (n > 0) {
                counts.put(entry.getKey(), n);
                total += n;
            }
        }
        if (total > 0) {
            StringBuilder by = new StringBuilder();
            counts.forEach((status, n) -> by.append(by.length() == 0 ? "" : ", ").append(status).append(" x").append(n));
            LOG.infof("Refused %d malformed or oversized HTTP requests in the last %d s (%s); each is logged at DEBUG"
                    + " by dev.triage.api", total, seconds, by);
        }
    }
}
