package dev.triage.alert;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.triage.incident.IncidentService;
import dev.triage.prompt.Choice;
import dev.triage.prompt.DatabaseKind;
import dev.triage.prompt.Environment;
import dev.triage.prompt.IncidentContext;
import dev.triage.prompt.Language;
import dev.triage.prompt.Urgency;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Turns Alertmanager notifications into incidents: one incident per alert occurrence
 * (fingerprint + startsAt), so a repeated notification finds the same incident, and a resolved
 * alert resolves it. Nothing is acknowledged before it is committed: while the database is
 * down the whole notification fails with a 503 and Alertmanager retries it.
 */
@ApplicationScoped
public class AlertReceiver {

    /** What happened to one alert of the notification. */
    @RegisterForReflection
    public record Outcome(String fingerprint, String status, String incidentId, String action) {
    }

    /** The idempotency scope of alerts: shared by every alert-sender, so HA Alertmanager replicas that send the same alert find one incident. */
    static final String SOURCE = "alertmanager";

    private final IncidentService incidents;

    public AlertReceiver(IncidentService incidents) {
        this.incidents = incidents;
    }

    public Uni<List<Outcome>> receive(AlertmanagerPayload payload) {
        return Multi.createFrom().iterable(payload.alerts())
                .onItem().transformToUniAndConcatenate(this::receive)
                .collect().asList();
    }

    private Uni<Outcome> receive(AlertmanagerPayload.Alert alert) {
        // In the service's own idempotency scope (IncidentService.record): no API caller can own this key.
        String key = "alertmanager:" + alert.fingerprint() + ":" + (alert.startsAt() == null ? "" : alert.startsAt());
        boolean resolved = "resolved".equalsIgnoreCase(alert.status());
        return incidents.record(context(alert), SOURCE, key).flatMap(creation -> {
            if (!resolved) {
                return Uni.createFrom().item(new Outcome(alert.fingerprint(), alert.status(),
                        creation.incident().id().toString(), creation.created() ? "created" : "existing"));
            }
            return incidents.resolve(creation.incident(), "Resolved by Alertmanager (endsAt " + alert.endsAt() + ")")
                    .map(incident -> new Outcome(alert.fingerprint(), alert.status(), incident.id().toString(),
                            "resolved"));
        });
    }

    static IncidentContext context(AlertmanagerPayload.Alert alert) {
        Map<String, String> labels = alert.labels() == null ? Map.of() : alert.labels();
        Map<String, String> annotations = alert.annotations() == null ? Map.of() : alert.annotations();
        String name = labels.getOrDefault("alertname", "alert");
        String summary = firstNonBlank(annotations.get("summary"), annotations.get("title"), "Alert " + name + " firing");
        StringBuilder log = new StringBuilder();
        append(log, "alert", name);
        append(log, "status", alert.status());
        append(log, "startsAt", alert.startsAt());
        append(log, "endsAt", alert.endsAt());
        append(log, "generatorURL", alert.generatorURL());
        append(log, "runbook_url", annotations.get("runbook_url"));
        return new IncidentContext(
                truncate(summary, 2000),
                truncate(annotations.get("description"), 4000),
                choice(Environment.class, labels.get("environment"), labels.get("env")),
                Language.OTHER,
                urgency(labels.get("severity")),
                true, true,
                service(firstNonBlank(labels.get("service"), labels.get("job"), labels.get("app"), null)),
                database(labels.get("database"), labels.get("db_system")),
                labels(labels),
                truncate(log.toString().strip(), 16000));
    }

    private static Urgency urgency(String severity) {
        if (severity == null) {
            return Urgency.MEDIUM;
        }
        return switch (severity.toLowerCase(Locale.ROOT)) {
            case "critical", "page", "emergency", "fatal" -> Urgency.CRITICAL;
            case "error", "high", "major" -> Urgency.HIGH;
            case "info", "low", "none" -> Urgency.LOW;
            default -> Urgency.MEDIUM;
        };
    }

    /** The first label naming a database Triage knows (prompt/databases.json), else the default. */
    private static DatabaseKind database(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null) {
                try {
                    return DatabaseKind.fromId(candidate);
                } catch (IllegalArgumentException ignored) {
                    // not one of ours: fall back to the default
                }
            }
        }
        return null;
    }

    private static <E extends Enum<E> & Choice> E choice(Class<E> type, String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null) {
                try {
                    return Choice.parse(type, candidate);
                } catch (IllegalArgumentException ignored) {
                    // not one of ours: fall back to the default
                }
            }
        }
        return null;
    }

    /** Prometheus label names already fit; keep 20 labels, alertname and severity first, values bounded. */
    private static Map<String, String> labels(Map<String, String> labels) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (String first : List.of("alertname", "severity")) {
            if (labels.get(first) != null && !labels.get(first).isBlank()) {
                kept.put(first, truncate(labels.get(first), 256));
            }
        }
        labels.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (kept.size() < 20 && e.getValue() != null && !e.getValue().isBlank()
                    && e.getKey().matches("[A-Za-z0-9_.:/-]{1,63}")) {
                kept.putIfAbsent(e.getKey(), truncate(e.getValue(), 256));
            }
        });
        return kept;
    }

    private static String service(String value) {
        if (value == null) {
            return null;
        }
        String cleaned = value.replaceAll("[^A-Za-z0-9._/-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        return cleaned.isEmpty() ? null : truncate(cleaned, 100);
    }

    private static void append(StringBuilder log, String key, String value) {
        if (value != null && !value.isBlank()) {
            log.append(key).append(": ").append(value).append('\n');
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /** Bounded, and without NUL characters, which PostgreSQL text cannot hold (one bad alert must not block the rest). */
    private static String truncate(String value, int max) {
        if (value == null) {
            return null;
        }
        String clean = value.replace("\u0000", "");
        return clean.length() <= max ? clean : clean.substring(0, max);
    }
}
