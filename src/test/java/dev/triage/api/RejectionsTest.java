package dev.triage.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.triage.support.LogRecording;

/** A flood of refused requests is one INFO line a minute, not a line per request. */
class RejectionsTest {

    @Test
    void aFloodIsOneLineAMinute() {
        long start = System.nanoTime();
        Rejections.LAST_REPORT.set(start);
        LogRecording log = LogRecording.install();
        try {
            for (int i = 0; i < 5000; i++) {
                Rejections.record(i % 2 == 0 ? 400 : 414, "test", start + i * 1_000_000L); // 5 s of refusals
            }
            assertEquals(List.of(), log.lines().stream().filter(l -> l.contains("Refused")).toList());
            Rejections.record(431, "test", start + Rejections.INTERVAL_NANOS + 1);
            Rejections.record(431, "test", start + Rejections.INTERVAL_NANOS + 2);
            List<String> reports = log.lines().stream().filter(l -> l.contains("Refused")).toList();
            assertEquals(1, reports.size(), reports.toString());
            assertTrue(reports.get(0).startsWith("INFO"), reports.get(0));
            assertTrue(reports.get(0).contains("Refused 5001 malformed or oversized HTTP requests in the last 60 s"
                    + " (400 x2500, 414 x2500, 431 x1)"), reports.get(0));
        } finally {
            log.remove();
        }
    }
}
