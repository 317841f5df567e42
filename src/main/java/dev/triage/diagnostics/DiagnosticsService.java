package dev.triage.diagnostics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.triage.database.DatabaseDiagnostics;
import dev.triage.database.DatabaseStatus;
import dev.triage.database.FailureCategory;
import dev.triage.database.FailureLog;
import dev.triage.playbook.Playbook;
import dev.triage.playbook.PlaybookCatalogue;
import dev.triage.prompt.DatabaseKind;
import dev.triage.prompt.Environment;
import dev.triage.prompt.IncidentContext;
import dev.triage.prompt.Language;
import dev.triage.prompt.PromptComposer;
import dev.triage.prompt.PromptDocument;
import dev.triage.prompt.Urgency;
import io.smallrye.mutiny.Uni;

/**
 * Runs the live diagnostic steps, adds what database/ has observed (pool, breaker, recent
 * failures), names the most likely root cause, and turns it all into a seed-format prompt.
 */
@ApplicationScoped
public class DiagnosticsService {

    private final DatabaseDiagnostics diagnostics;
    private final DatabaseStatus status;
    private final FailureLog failures;
    private final PlaybookCatalogue catalogue;
    private final PromptComposer composer;
    private final Environment environment;

    public DiagnosticsService(DatabaseDiagnostics diagnostics, DatabaseStatus status, FailureLog failures,
            PlaybookCatalogue catalogue, PromptComposer composer,
            @ConfigProperty(name = "triage.environment", defaultValue = "production") String environment) {
        this.diagnostics = diagnostics;
        this.status = status;
        this.failures = failures;
        this.catalogue = catalogue;
        this.composer = composer;
        this.environment = Environment.fromId(environment);
    }

    /** Concurrent and repeated calls within this window share one run: diagnostics cannot storm the database. */
    private static final long SHARE_NANOS = 2_000_000_000L;
    private Uni<Diagnosis> latest;
    private long latestAt;

    public synchronized Uni<Diagnosis> diagnose() {
        long now = System.nanoTime();
        if (latest == null || now - latestAt > SHARE_NANOS) {
            latest = run().memoize().indefinitely();
            latestAt = now;
        }
        return latest;
    }

    private Uni<Diagnosis> run() {
        long start = System.nanoTime();
        return diagnostics.run().map(result -> {
            DatabaseStatus.Snapshot snapshot = status.snapshot();
            Map<String, Long> counts = new LinkedHashMap<>();
            failures.countsByCategory().forEach((category, count) -> counts.put(category.id(), count));
            List<Diagnosis.RecentFailure> recent = failures.recent().stream().limit(20)
                    .map(f -> new Diagnosis.RecentFailure(f.at(), f.category().id(), f.summary())).toList();
            return new Diagnosis(Instant.now(), (System.nanoTime() - start) / 1_000_000, result.endpoint(),
                    result.steps(), result.server(), snapshot.pool(), snapshot.breaker(), snapshot.migrated(),
                    snapshot.maintenance(), counts, recent, likelyCause(result, snapshot));
        });
    }

    /** The seed-format prompt for Triage's own state; {@code category} forces the root cause to rank first. */
    public Uni<PromptDocument> prompt(Optional<FailureCategory> category) {
        return diagnose().map(d -> {
            Diagnosis.LikelyCause cause = category.map(c -> cause(c, null, "requested: " + c.id()))
                    .orElse(d.likelyRootCause());
            return composer.compose(context(d, cause), catalogue.current(), boosts(cause));
        });
    }

    private IncidentContext context(Diagnosis d, Diagnosis.LikelyCause cause) {
        boolean healthy = cause.category() == null;
        String where = d.connection().host() + ":" + d.connection().port() + "/" + d.connection().database();
        String issue = healthy ? "Triage self-check: its database at " + where + " is reachable"
                : "Triage cannot use its database at " + where + " (" + cause.category() + ")";
        String error = d.steps().stream().filter(s -> "failed".equals(s.outcome())).findFirst()
                .map(s -> s.name() + " failed: " + s.detail())
                .or(() -> d.recentFailures().stream().findFirst().map(f -> f.category() + ": " + f.summary()))
                .orElse(null);
        Urgency urgency = healthy ? Urgency.LOW
                : d.steps().stream().anyMatch(s -> "failed".equals(s.outcome())) ? Urgency.CRITICAL : Urgency.HIGH;
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("host", d.connection().host());
        labels.put("port", String.valueOf(d.connection().port()));
        labels.put("database", d.connection().database());
        labels.put("user", d.connection().user());
        labels.put("breaker", d.breaker());
        labels.put("likely-cause", healthy ? "none" : cause.category());
        List<String> log = new ArrayList<>();
        d.steps().forEach(s -> log.add(String.format("step %-12s %-7s %5d ms  %s", s.name(), s.outcome(),
                s.durationMillis(), s.detail())));
        log.add("pool: " + d.pool().inUse() + " in use, " + d.pool().waiting() + " waiting, max " + d.pool().max());
        if (!d.failuresByCategory().isEmpty()) {
            log.add("failures since start: " + d.failuresByCategory().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        }
        d.recentFailures().stream().limit(10).forEach(f -> log.add(f.at() + " " + f.category() + " " + f.summary()));
        log.add("most likely root cause: " + (healthy ? "none" : cause.category() + " (" + cause.evidence() + ")"));
        return new IncidentContext(issue, error, environment, Language.JAVA, urgency, true, true, "triage",
                DatabaseKind.POSTGRESQL, labels, String.join("\n", log));
    }

    private Diagnosis.LikelyCause likelyCause(DatabaseDiagnostics.Result result, DatabaseStatus.Snapshot snapshot) {
        for (DatabaseDiagnostics.Step step : result.steps()) {
            if (!"failed".equals(step.outcome())) {
                continue;
            }
            if (step.name().equals("dns")) {
                return cause(FailureCategory.NETWORK, "dns", step.detail());
            }
            FailureCategory category = parse(step.category()).orElse(FailureCategory.SERVICE_DOWN);
            if (category == FailureCategory.TIMEOUT && !step.name().equals("version")
                    && !step.name().equals("round-trip") && !step.name().equals("connections")) {
                // no answer to a connect or a login: the host is not answering, a network black hole
                category = FailureCategory.NETWORK;
            }
            return cause(category, null, step.name() + ": " + step.detail());
        }
        Map<String, Object> server = result.server();
        if (Boolean.TRUE.equals(server.get("inRecovery")) || Boolean.TRUE.equals(server.get("defaultReadOnly"))) {
            return cause(FailureCategory.READ_ONLY, null, "the server is read-only (standby or default_transaction_read_only)");
        }
        if (server.get("maxConnections") instanceof Integer max && server.get("connectionsInUse") instanceof Integer used
                && server.get("superuserReserved") instanceof Integer reserved && used >= max - reserved - 1) {
            return cause(FailureCategory.POOL_EXHAUSTED, null, used + " of " + max + " connection slots in use");
        }
        if (snapshot.pool().waiting() > 0) {
            return cause(FailureCategory.POOL_EXHAUSTED, null, snapshot.pool().waiting() + " requests waiting for a connection");
        }
        Instant recentWindow = Instant.now().minusSeconds(300);
        return failures.recent().stream().filter(f -> f.at().isAfter(recentWindow))
                .filter(f -> f.category() != FailureCategory.QUERY)
                .collect(Collectors.groupingBy(FailureLog.LastFailure::category, Collectors.counting()))
                .entrySet().stream().max(Map.Entry.comparingByValue())
                .map(e -> cause(e.getKey(), null, e.getValue() + " recent failures of this category"))
                .orElse(new Diagnosis.LikelyCause(null, null, null, "every step passed and no recent failures"));
    }

    private Diagnosis.LikelyCause cause(FailureCategory category, String playbookId, String evidence) {
        Optional<Playbook> playbook = catalogue.current().stream()
                .filter(p -> playbookId != null ? p.id().equals(playbookId) : p.category().equals(category.id()))
                .min(Comparator.comparingInt(Playbook::position));
        return new Diagnosis.LikelyCause(category.id(), playbook.map(Playbook::id).orElse(null),
                playbook.map(Playbook::title).orElse(null), evidence);
    }

    private static Map<String, Integer> boosts(Diagnosis.LikelyCause cause) {
        return cause.playbookId() == null ? Map.of() : Map.of(cause.playbookId(), 1000);
    }

    private static Optional<FailureCategory> parse(String id) {
        for (FailureCategory c : FailureCategory.values()) {
            if (c.id().equals(id)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** A category id from a query parameter, or a 400 listing the ids. */
    public static Optional<FailureCategory> category(String id) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(parse(id).orElseThrow(() -> dev.triage.api.ProblemException.badRequest("category",
                "must be one of " + java.util.Arrays.stream(FailureCategory.values()).map(FailureCategory::id).toList())));
    }
}
