package dev.triage.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class MetricsTest {

    @Test
    void theDatabaseAndFallbackMetricsAreExposed() {
        Api.awaitMigrations();
        Api.createIncident(Map.of("issueDescription", "metrics")).then().statusCode(201);
        String metrics = scrape();
        for (String name : List.of("triage_database_up ", "triage_ready ", "triage_database_pool_max_connections ",
                "triage_incident_cache_size ", "triage_database_failures_total{category=\"service-down\"",
                "triage_database_operation_seconds_bucket{", "operation=\"incident.insert\"",
                "triage_database_logins_total{outcome=\"attempted\"", "sql_pool_active{pool_name=\"triage\"",
                "sql_pool_queue_size{pool_name=\"triage\"", "ft_circuitbreaker_state_current{",
                "ft_circuitbreaker_opened_total{", "http_server_requests_seconds_count{")) {
            assertTrue(metrics.contains(name), "missing " + name);
        }
    }

    @Test
    void thePoolRulesFilterMatchesThePoolNamesThisInstanceReports() throws Exception {
        // The real label values: the request pool and the probe's pool, as /q/metrics reports them.
        java.util.Set<String> pools = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^sql_pool_ratio\\{[^}]*pool_name=\"([^\"]+)\"",
                java.util.regex.Pattern.MULTILINE).matcher(scrape());
        while (m.find()) {
            pools.add(m.group(1));
        }
        assertTrue(pools.contains("triage") && pools.contains("triage-probe"), "pool names reported: " + pools);
        java.util.regex.Pattern filter = java.util.regex.Pattern.compile(AlertRulesTest.requestPoolFilter());
        for (String pool : pools) {
            boolean requestPool = !pool.equals("triage-probe");
            assertEquals(requestPool, filter.matcher(pool).matches(),
                    "the alert rules' pool_name filter " + filter + " on reported pool " + pool);
        }
    }

    @Test
    void theExpositionParsesWithPromtool() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            System.out.println("[metrics] promtool not installed: exposition not checked with promtool");
            return;
        }
        Path file = Files.createTempFile("metrics", ".txt");
        Files.writeString(file, scrape(), StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        // 0 = clean, 3 = lint findings only (SmallRye's camelCase names); 1 = it could not parse.
        assertNotEquals(1, p.exitValue(), "promtool could not parse the exposition:\n" + output);
        assertTrue(p.exitValue() == 0 || p.exitValue() == 3, "promtool exit " + p.exitValue() + ":\n" + output);
        for (String line : output.split("\n")) {
            assertTrue(!line.startsWith("triage_"), "Triage's own metrics lint clean: " + line);
        }
        Files.delete(file);
    }

    static String scrape() {
        return Api.management().accept("text/plain; version=0.0.4").get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
