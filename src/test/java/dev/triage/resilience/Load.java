package dev.triage.resilience;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.triage.support.Api;

/**
 * Concurrent HTTP clients driving the running service while a fault is on: a mix of writes
 * (each with an Idempotency-Key, re-sent with the same key after a failure, as a careful client
 * does), reads of known incidents, reads of unknown ones, list pages, prompts, and liveness
 * probes. Every response is recorded with its status, latency and problem details. Writes carry
 * the test writer's token, reads and prompts the reader's; liveness carries none.
 */
final class Load implements AutoCloseable {

    enum Kind {
        CREATE, READ_KNOWN, READ_UNKNOWN, LIST, PROMPT, LIVENESS
    }

    record Sample(Kind kind, int status, long startNanos, long endNanos, String contentType, String category,
            String retryAfter, String dataSource, String idempotencyKey, String incidentId) {

        long millis() {
            return (endNanos - startNanos) / 1_000_000;
        }

        boolean databaseSuccess() {
            return switch (kind) {
                case CREATE -> status == 201 || status == 200;
                case LIST -> status == 200;
                case READ_KNOWN -> status == 200 && dataSource == null;
                default -> false;
            };
        }
    }

    private static final Pattern CATEGORY = Pattern.compile("\"category\"\\s*:\\s*\"([a-z-]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    private final String base;
    /** The management interface (health), on its own port. */
    private final String managementBase;
    private final List<String> knownIds;
    private final HttpClient http;
    private final ExecutorService clients;
    private final AtomicBoolean running = new AtomicBoolean(true);
    final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    /** Idempotency key -> incident id, for every write the service acknowledged. */
    final Map<String, String> acknowledged = new ConcurrentHashMap<>();

    Load(String base, String managementBase, List<String> knownIds, int clientCount, List<Kind> mix) {
        this.base = base;
        this.managementBase = managementBase;
        this.knownIds = knownIds;
        this.clients = Executors.newFixedThreadPool(clientCount + 1);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(4)).build();
        for (int i = 0; i < clientCount; i++) {
            clients.submit(() -> client(mix));
        }
        clients.submit(this::prober);
    }

    private void client(List<Kind> mix) {
        String pendingKey = null;
        while (running.get()) {
            Kind kind = mix.get(ThreadLocalRandom.current().nextInt(mix.size()));
            if (kind == Kind.CREATE) {
                String key = pendingKey != null ? pendingKey : "load-" + UUID.randomUUID();
                Sample s = send(kind, post("/api/v1/incidents", "{\"issueDescription\":\"fault load " + key
                        + "\",\"errorMessage\":\"Connection refused\",\"urgency\":\"high\"}").header("Idempotency-Key", key)
                        .setHeader("Authorization", "Bearer " + Api.WRITER_TOKEN), key);
                if (s.status() == 201 || s.status() == 200) {
                    acknowledged.put(key, s.incidentId());
                    pendingKey = null;
                } else {
                    pendingKey = key; // a careful client re-sends the same key
                }
            } else {
                send(kind, switch (kind) {
                    case READ_KNOWN -> get("/api/v1/incidents/" + knownIds.get(ThreadLocalRandom.current().nextInt(knownIds.size())));
                    case READ_UNKNOWN -> get("/api/v1/incidents/" + UUID.randomUUID());
                    case LIST -> get("/api/v1/incidents?limit=5");
                    case PROMPT -> post("/api/v1/prompts", "{\"issueDescription\":\"Checkout failing\","
                            + "\"errorMessage\":\"FATAL: sorry, too many clients already (53300)\",\"language\":\"java\"}")
                            .header("Accept", "text/markdown");
                    default -> throw new IllegalStateException();
                }, null);
            }
            pause(20);
        }
    }

    private void prober() {
        while (running.get()) {
            send(Kind.LIVENESS, HttpRequest.newBuilder(URI.create(managementBase + "/q/health/live")).GET(), null);
            pause(200);
        }
    }

    private Sample send(Kind kind, HttpRequest.Builder request, String key) {
        long start = System.nanoTime();
        Sample sample;
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = r.body();
            sample = new Sample(kind, r.statusCode(), start, System.nanoTime(),
                    r.headers().firstValue("Content-Type").orElse(""), find(CATEGORY, body).orElse(null),
                    r.headers().firstValue("Retry-After").orElse(null),
                    r.headers().firstValue("Triage-Data-Source").orElse(null), key,
                    kind == Kind.CREATE ? find(ID, body).orElse(null) : null);
        } catch (Exception e) {
            // status 0: no HTTP answer at all (a failure of the service as clients see it)
            sample = new Sample(kind, 0, start, System.nanoTime(), "", e.getClass().getSimpleName(), null, null, key,
                    null);
        }
        samples.add(sample);
        return sample;
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).GET().header("Accept", "application/json")
                .setHeader("Authorization", "Bearer " + Api.READER_TOKEN);
    }

    private HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .setHeader("Authorization", "Bearer " + Api.READER_TOKEN);
    }

    private static Optional<String> find(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body == null ? "" : body);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<Sample> snapshot() {
        synchronized (samples) {
            return new ArrayList<>(samples);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        clients.shutdown();
        if (!clients.awaitTermination(60, TimeUnit.SECONDS)) {
            clients.shutdownNow();
        }
    }
}
