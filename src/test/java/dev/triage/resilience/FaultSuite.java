package dev.triage.resilience;

import static dev.triage.resilience.Load.Kind.CREATE;
import static dev.triage.resilience.Load.Kind.LIST;
import static dev.triage.resilience.Load.Kind.PROMPT;
import static dev.triage.resilience.Load.Kind.READ_KNOWN;
import static dev.triage.resilience.Load.Kind.READ_UNKNOWN;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;

import io.quarkus.test.common.http.TestHTTPResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

import dev.triage.database.embedded.EmbeddedPostgres;
import dev.triage.support.Api;
import dev.triage.support.LogRecording;

/**
 * The fault suite's machinery: each fault breaks the suite's own PostgreSQL for real while
 * concurrent clients use the service over HTTP, then repairs it, and checks what the clients saw.
 * The faults themselves are in {@link DatabaseFaultsTest} (server faults, direct connections) and
 * {@link NetworkBlackHoleTest} (the network path cut, through a relay).
 *
 * <p>For every fault: no answer other than 2xx/4xx/503; every 503 is problem+json with an
 * expected category and Retry-After; no request waits longer than the operation budget plus a
 * margin; liveness and prompts stay 200; every acknowledged write is in the database exactly
 * once; the first success after the repair comes within the breaker delay plus a margin; the
 * failure counters (and, where the fault is an outage, the breaker) moved.
 *
 * <p>Each fault prints a "[fault-report]" line; docs/RESILIENCE.md is written from them.
 */
abstract class FaultSuite {

    /** triage.database.operation-timeout: no database operation may take longer. */
    static final long BUDGET_MS = 3000;
    /** @CircuitBreaker(delay) on GuardedPool: the longest the breaker keeps refusing after a repair. */
    static final long BREAKER_DELAY_MS = dev.triage.database.GuardedPool.BREAKER_DELAY_MILLIS;
    /** Scheduling slack on a 2-core machine under load. */
    static final long LATENCY_MARGIN_MS = 1000;
    static final long RECOVERY_MARGIN_MS = 3000;

    static final List<Load.Kind> MIX = List.of(CREATE, CREATE, READ_KNOWN, READ_KNOWN, READ_UNKNOWN, LIST, PROMPT);
    private final List<String> knownIds = new ArrayList<>();
    static final List<String> REPORT = new ArrayList<>();

    /** The breakable server (and its network path), injected by {@link FaultDatabase}. */
    @FaultServer
    FaultDatabase.Handle db;

    /** Where the service under test listens. */
    @TestHTTPResource("/")
    URL base;

    FaultDatabase.Handle db() {
        return db;
    }

    URL base() {
        return base;
    }

    @BeforeEach
    void serviceIsHealthy() {
        Api.awaitMigrations();
        awaitDatabaseSuccess(Duration.ofSeconds(30));
        if (knownIds.isEmpty()) {
            for (int i = 0; i < 10; i++) {
                knownIds.add(Api.writer().contentType("application/json").body(Map.of("issueDescription", "known " + i))
                        .post("/api/v1/incidents").then().statusCode(201).extract().path("id"));
            }
        }
    }

    @AfterAll
    static void printReport() throws IOException {
        List<String> lines = new ArrayList<>();
        // Each suite runs in its own class loader (its own Quarkus profile): the first one of this
        // JVM starts the file, the next ones append to it (system properties are JVM-wide).
        boolean first = System.getProperty("triage.fault-report.started") == null;
        if (first) {
            lines.add("| fault | requests | 2xx | 404 | 503 by category | other | worst latency ms (read / write) | first success after repair ms | breaker opened |");
            lines.add("|---|---|---|---|---|---|---|---|---|");
            System.setProperty("triage.fault-report.started", "true");
        }
        lines.addAll(REPORT);
        lines.forEach(l -> System.out.println("[fault-report] " + l));
        Path out = Path.of(System.getProperty("triage.fault-report.file", "target/resilience-report.md"));
        Files.createDirectories(out.getParent());
        if (first) {
            Files.write(out, lines);
        } else {
            Files.write(out, lines, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
    }

    // ------------------------------------------------------------------------------------------

    record Fault(String name, Set<String> allowedCategories, Set<String> mustSee, boolean breakerOpens, int clients,
            List<Load.Kind> mix, Duration hold, Action inject, Action duringHold, Action remove) {
    }

    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    List<Load.Sample> lastSamples = List.of();
    long lastInjected;
    long lastRemoved;
    Map<String, Double> metricDelta = Map.of();

    void run(Fault fault) throws Exception {
        LogRecording log = LogRecording.install();
        Map<String, Double> failuresBefore = failureCounters();
        double openedBefore = breakerOpened();
        long injected;
        long removed;
        List<Load.Sample> samples;
        Map<String, String> acknowledged;
        try (Load load = new Load(base().toString().replaceAll("/$", ""),
                "http://" + base().getHost() + ":" + dev.triage.support.Api.managementPort(), knownIds, fault.clients(), fault.mix())) {
            Load.pause(1000);
            injected = System.nanoTime();
            fault.inject().run();
            long holdUntil = injected + fault.hold().toNanos();
            while (System.nanoTime() < holdUntil) {
                Load.pause(500);
                if (fault.duringHold() != null) {
                    fault.duringHold().run();
                }
            }
            fault.remove().run();
            removed = System.nanoTime();
            long giveUp = removed + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < giveUp && load.snapshot().stream()
                    .noneMatch(s -> s.databaseSuccess() && s.startNanos() >= removed)) {
                Load.pause(100);
            }
            Load.pause(1500);
            load.close();
            samples = load.snapshot();
            acknowledged = Map.copyOf(load.acknowledged);
        }
        lastSamples = samples;
        lastInjected = injected;
        lastRemoved = removed;
        metricDelta = delta(failuresBefore, failureCounters());
        double opened = breakerOpened() - openedBefore;

        String row = report(fault, samples, removed, opened);
        REPORT.add(row);
        System.out.println("[fault-report] " + row);

        // An outage is a state change, logged once: no ERROR record, no stack trace, nothing uncaught.
        log.remove();
        List<String> errors = log.errors();
        List<String> stackTraces = log.stackTraces();
        System.out.printf("[fault-report] %s: %d ERROR and %d stack-trace log records%n", fault.name(), errors.size(),
                stackTraces.size());
        assertEquals(List.of(), errors, "ERROR log records during the fault");
        assertEquals(List.of(), stackTraces, "stack traces in the log during the fault");
        // Nothing but 2xx, 4xx and 503; every HTTP request got an answer.
        List<Load.Sample> bad = samples.stream().filter(s -> s.status() == 0 || (s.status() >= 500 && s.status() != 503))
                .toList();
        assertTrue(bad.isEmpty(), "answers other than 503 problem+json: " + describe(bad));
        // Every 503 says why and when to come back.
        for (Load.Sample s : samples.stream().filter(s -> s.status() == 503).toList()) {
            assertTrue(s.contentType().startsWith("application/problem+json"), "503 is problem+json: " + s);
            assertTrue(s.retryAfter() != null && Integer.parseInt(s.retryAfter()) > 0, "503 has Retry-After: " + s);
            assertTrue(fault.allowedCategories().contains(s.category()), "unexpected category " + s.category() + ": " + s);
        }
        Set<String> seen = samples.stream().filter(s -> s.status() == 503).map(Load.Sample::category)
                .collect(Collectors.toSet());
        assertTrue(seen.containsAll(fault.mustSee()), "the fault showed as " + fault.mustSee() + ", saw " + seen);
        // No request waited longer than the budget (a write may run two operations: insert, then find).
        for (Load.Sample s : samples) {
            long limit = s.kind() == CREATE ? 2 * BUDGET_MS + LATENCY_MARGIN_MS : BUDGET_MS + LATENCY_MARGIN_MS;
            assertTrue(s.millis() <= limit, s.kind() + " took " + s.millis() + " ms (limit " + limit + "): " + s);
        }
        // Liveness and prompts never depend on the database.
        assertTrue(samples.stream().filter(s -> s.kind() == Load.Kind.LIVENESS).allMatch(s -> s.status() == 200),
                "liveness stayed 200");
        assertTrue(samples.stream().filter(s -> s.kind() == PROMPT).allMatch(s -> s.status() == 200),
                "prompts stayed 200");
        assertTrue(samples.stream().anyMatch(s -> s.kind() == PROMPT), "prompts were requested");
        // A 201 means committed: every acknowledged write is there, once.
        assertAcknowledgedWritesStored(acknowledged);
        // Recovery without a restart.
        long recovery = recoveryMillis(samples, removed);
        assertTrue(recovery >= 0, "a database request succeeded after the repair");
        assertTrue(recovery <= BREAKER_DELAY_MS + RECOVERY_MARGIN_MS, "recovered in " + recovery + " ms");
        // The counters moved.
        for (String category : fault.mustSee()) {
            assertTrue(metricDelta.getOrDefault(category, 0.0) > 0, "failure counter for " + category + " moved");
        }
        if (fault.breakerOpens()) {
            assertTrue(opened > 0, "the circuit breaker opened");
        }
    }

    static String report(Fault fault, List<Load.Sample> samples, long removed, double opened) {
        List<Load.Sample> requests = samples.stream().filter(s -> s.kind() != Load.Kind.LIVENESS).toList();
        long ok = requests.stream().filter(s -> s.status() >= 200 && s.status() < 300).count();
        long notFound = requests.stream().filter(s -> s.status() == 404).count();
        Map<String, Long> unavailable = new TreeMap<>(requests.stream().filter(s -> s.status() == 503)
                .collect(Collectors.groupingBy(Load.Sample::category, Collectors.counting())));
        long other = requests.size() - ok - notFound - unavailable.values().stream().mapToLong(Long::longValue).sum();
        long worstRead = requests.stream().filter(s -> s.kind() != CREATE).mapToLong(Load.Sample::millis).max().orElse(0);
        long worstWrite = requests.stream().filter(s -> s.kind() == CREATE).mapToLong(Load.Sample::millis).max().orElse(0);
        long cached = requests.stream().filter(s -> "cache".equals(s.dataSource())).count();
        String categories = unavailable.isEmpty() ? "none" : unavailable.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        return String.format("| %s | %d | %d (%d from cache) | %d | %s | %d | %d / %d | %d | %s |", fault.name(),
                requests.size(), ok, cached, notFound, categories, other, worstRead, worstWrite,
                recoveryMillis(samples, removed), opened > 0 ? "yes" : "no");
    }

    static long recoveryMillis(List<Load.Sample> samples, long removed) {
        return samples.stream().filter(s -> s.databaseSuccess() && s.startNanos() >= removed)
                .mapToLong(s -> (s.endNanos() - removed) / 1_000_000).min().orElse(-1);
    }

    static String describe(List<Load.Sample> samples) {
        return samples.stream().limit(5).map(Load.Sample::toString).collect(Collectors.joining("; "));
    }

    void assertAcknowledgedWritesStored(Map<String, String> acknowledged) throws SQLException {
        if (acknowledged.isEmpty()) {
            return;
        }
        Map<String, List<String>> stored = new HashMap<>();
        try (Connection c = db().server().admin();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT idempotency_key, id::text FROM incidents WHERE idempotency_key = ANY (?)")) {
            Array keys = c.createArrayOf("text", acknowledged.keySet().toArray());
            ps.setArray(1, keys);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        acknowledged.forEach((key, id) -> {
            assertEquals(List.of(id), stored.get(key), "acknowledged write " + key + " is stored exactly once");
        });
    }

    void awaitDatabaseSuccess(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (Api.reader().get("/api/v1/incidents?limit=1").statusCode() == 200) {
                return;
            }
            Load.pause(200);
        }
        throw new AssertionError("the service did not get its database back");
    }

    // --- breaking the server -------------------------------------------------------------------

    void admin(String sql) throws SQLException {
        try (Connection c = db().server().admin(); Statement s = c.createStatement()) {
            s.execute("SET default_transaction_read_only = off");
            s.execute(sql);
        }
    }

    void terminateServiceBackends() throws SQLException {
        admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'triage%'"
                + " AND pid <> pg_backend_pid()");
    }

    Connection lockIncidents() throws SQLException {
        Connection c = db().server().admin();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE incidents IN ACCESS EXCLUSIVE MODE");
        }
        return c;
    }

    static void release(Connection lock) throws SQLException {
        if (lock != null) {
            lock.rollback();
            lock.close();
        }
    }

    /** Another client takes every connection slot the server has for ordinary roles. */
    void takeEverySlot(List<Connection> hogs) throws Exception {
        admin("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hog') THEN"
                + " CREATE ROLE hog LOGIN PASSWORD 'hog'; END IF; END $$");
        String url = "jdbc:postgresql://" + db().server().host() + ":" + db().server().port() + "/" + EmbeddedPostgres.DATABASE;
        // Take every free slot, then terminate the service's sessions and race it for the slots
        // they free: once the other client holds a slot it never gives it back.
        for (int round = 0; round < 50; round++) {
            long until = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < until && hogs.size() < FaultDatabase.MAX_CONNECTIONS) {
                try {
                    hogs.add(DriverManager.getConnection(url, "hog", "hog"));
                } catch (SQLException e) {
                    if (!"53300".equals(e.getSQLState())) {
                        throw e;
                    }
                    Load.pause(5);
                }
            }
            if (serviceBackends() == 0) {
                return;
            }
            terminateServiceBackends();
        }
        throw new AssertionError("the service kept its connections");
    }

    long sessions(String applicationName) throws SQLException {
        try (Connection c = db().server().admin();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, applicationName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    long serviceBackends() throws SQLException {
        try (Connection c = db().server().admin(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'triage'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void closeAll(List<Connection> connections) {
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
        connections.clear();
    }

    void writePassword(String password) throws IOException {
        FaultDatabase.writePassword(db().passwordFile(), password);
    }

    long countInServerLog(String needle) throws IOException {
        try (var lines = Files.lines(db().server().logFile())) {
            return lines.filter(l -> l.contains(needle)).count();
        }
    }

    // --- metrics ---------------------------------------------------------------------------------

    static String scrape() {
        return dev.triage.support.Api.management().accept("text/plain; version=0.0.4").get("/q/metrics").then().statusCode(200).extract().asString();
    }

    static double metric(String name, String labelFragment) {
        double sum = 0;
        for (String line : scrape().split("\n")) {
            if (line.startsWith(name + "{") && line.contains(labelFragment)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static Map<String, Double> failureCounters() {
        Map<String, Double> counters = new HashMap<>();
        for (String line : scrape().split("\n")) {
            if (line.startsWith("triage_database_failures_total{")) {
                String category = line.replaceAll(".*category=\"([a-z-]+)\".*", "$1");
                counters.merge(category, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
            }
        }
        return counters;
    }

    static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> delta = new HashMap<>();
        after.forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0.0)));
        return delta;
    }

    static double breakerOpened() {
        return metric("ft_circuitbreaker_opened_total", "GuardedPool");
    }
}
