package dev.triage.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.triage.playbook.Playbook;
import dev.triage.prompt.PromptDocument.Code;
import dev.triage.prompt.PromptDocument.Field;
import dev.triage.prompt.PromptDocument.Item;
import dev.triage.prompt.PromptDocument.RootCause;
import dev.triage.prompt.PromptDocument.Section;

/**
 * Composes a debugging prompt from an incident context and the playbook catalogue. Pure: no
 * database, no I/O, so prompts keep working whatever state the database is in.
 *
 * <p>The structure follows the seed runbook: Issue Context, a numbered Debugging Strategy
 * (assessment, diagnostic steps, root causes, mitigation, long-term solutions, log checklist,
 * prevention checklist, rollback plan), Next Steps, Additional Resources and a closing note.
 */
@ApplicationScoped
public class PromptComposer {

    /** How many root causes a prompt lists (the seed's A to E). */
    public static final int ROOT_CAUSES = 5;

    private final CodeSnippets snippets;

    public PromptComposer(CodeSnippets snippets) {
        this.snippets = snippets;
    }

    public PromptDocument compose(IncidentContext raw, List<Playbook> playbooks) {
        return compose(raw, playbooks, Map.of());
    }

    /** With extra ranking evidence by playbook id (see {@link RootCauseRanker#rank(IncidentContext, List, Map)}). */
    public PromptDocument compose(IncidentContext raw, List<Playbook> playbooks, Map<String, Integer> boosts) {
        IncidentContext c = raw.withDefaults();
        List<RootCauseRanker.Ranked> ranked = RootCauseRanker.rank(c, playbooks, boosts);
        List<RootCauseRanker.Ranked> top = ranked.subList(0, Math.min(ROOT_CAUSES, ranked.size()));

        List<Section> sections = new ArrayList<>();
        sections.add(assessment(sections.size() + 1, c, top));
        sections.add(diagnosticSteps(sections.size() + 1, c));
        sections.add(rootCauses(sections.size() + 1, c, top));
        sections.add(mitigation(sections.size() + 1, c));
        if (c.includeSolutions()) {
            sections.add(longTerm(sections.size() + 1, c));
        }
        if (c.includeLogs()) {
            sections.add(checklist(sections.size() + 1, "log-analysis-checklist", "Log Analysis Checklist",
                    "When reading the logs, note:", List.of(
                            "Timestamps of the first and the latest connection error",
                            "How often the error repeats, and whether it comes in bursts",
                            "Deployments, restarts, failovers or config changes just before the first error",
                            "Which endpoints and users are affected",
                            "How long recovery takes after each failure, and whether it happens by itself")));
        }
        if (c.includeSolutions()) {
            sections.add(checklist(sections.size() + 1, "prevention-checklist", "Prevention Checklist", null, List.of(
                    "Connection pool with a bounded size, wait queue and acquire timeout",
                    "Pool size x replicas fits the database's connection limit",
                    "Liveness that never touches the database; readiness that reports it",
                    "Alerts on connection failure rate and pool utilisation",
                    "Retries with exponential backoff, for transient errors only",
                    "Circuit breaker around database calls",
                    "Graceful degradation: cached reads, clear 503 with Retry-After",
                    "Scheduled connectivity tests from where the application runs",
                    "Tested backups and a rehearsed restore",
                    "Connection parameters and credential rotation documented")));
        }
        if (c.environment() == Environment.PRODUCTION) {
            sections.add(new Section(sections.size() + 1, "emergency-rollback-plan", "Emergency Rollback Plan", null,
                    null, null, null, "If the issue persists:", null, List.of(
                            "Check whether a recent deployment changed the database configuration or credentials",
                            "Review the database migrations applied recently",
                            "Roll back the most recent change if the timing matches",
                            "Switch on maintenance mode so clients get a clear answer instead of errors",
                            "Tell the stakeholders what is degraded and when the next update comes")));
        }

        String topTitle = top.isEmpty() || top.get(0).score() == 0 ? null : top.get(0).playbook().title();
        String title = c.issueDescription() + (topTitle == null ? "" : " - " + topTitle);
        return new PromptDocument(title, context(c), sections, nextSteps(c, top), resources(c), List.of(
                "Restore the service", "Assess the impact", "Find the root cause", "Prevent a repeat"));
    }

    private static List<Field> context(IncidentContext c) {
        List<Field> fields = new ArrayList<>(List.of(
                new Field("Issue Description", c.issueDescription()),
                new Field("Error Message", c.errorMessage() == null ? "(none given)" : c.errorMessage()),
                new Field("Environment", c.environment().id()),
                new Field("Language", c.language().label()),
                new Field("Urgency", c.urgency().id()),
                new Field("Include Logs", String.valueOf(c.includeLogs())),
                new Field("Include Solutions", String.valueOf(c.includeSolutions()))));
        if (c.service() != null) {
            fields.add(new Field("Service", c.service()));
        }
        if (!c.labels().isEmpty()) {
            fields.add(new Field("Labels", new java.util.TreeMap<>(c.labels()).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(", "))));
        }
        return fields;
    }

    private static Section assessment(int number, IncidentContext c, List<RootCauseRanker.Ranked> top) {
        boolean production = c.environment() == Environment.PRODUCTION;
        String where = production ? "production" : c.environment().id();
        String headline = switch (c.urgency()) {
            case CRITICAL -> "Critical " + where + " incident: act now";
            case HIGH -> "High-urgency " + where + " incident";
            case MEDIUM -> "Medium-urgency " + where + " incident";
            case LOW -> "Low-urgency " + where + " issue";
        };
        String impact = production
                ? "Real users are affected."
                : "Production users are not affected, so there is time to find the cause before fixing it.";
        String pace = switch (c.urgency()) {
            case CRITICAL -> "Restore service first and investigate second: every minute counts, so work the"
                    + " diagnostic steps in order and escalate early.";
            case HIGH -> "Start now and keep stakeholders informed; restore service before a full root-cause analysis.";
            case MEDIUM -> "Work through the steps below within the day; watch whether the error rate grows.";
            case LOW -> "Investigate when convenient; collect evidence so the cause can be fixed for good.";
        };
        String suspect = top.isEmpty() || top.get(0).score() == 0
                ? "The error message does not point at one cause yet; the diagnostic steps will narrow it down."
                : "The error message points first at **" + top.get(0).playbook().title().toLowerCase() + "**.";
        String text = "This is a **" + (c.urgency() == Urgency.CRITICAL || c.urgency() == Urgency.HIGH
                ? c.urgency().id() + " " + where + " issue**" : where + " issue of " + c.urgency().id() + " urgency**")
                + ": " + c.issueDescription() + (c.errorMessage() == null ? "." : " (\"" + c.errorMessage() + "\").")
                + " " + impact + " " + pace + " " + suspect;
        return new Section(number, "immediate-assessment", "Immediate Assessment", headline, text, null, null, null,
                null, null);
    }

    private Section diagnosticSteps(int number, IncidentContext c) {
        DatabaseKind db = c.database();
        List<Item> steps = new ArrayList<>();
        steps.add(new Item(label(steps), "Verify Database Service Status", null, null, bash(DatabaseCommands.serviceStatus(db)),
                null));
        steps.add(new Item(label(steps), "Check Database Connection Parameters", null, List.of(
                "Host name and port (" + db.label() + " listens on " + DatabaseCommands.defaultPort(db)
                        + " by default) match the running server",
                "User name and password are current (rotated secrets, expired passwords)",
                "The port is reachable from where the application runs (firewalls, security groups, network policies)",
                "TLS settings (sslmode or equivalent) match what the server requires"), null, null));
        if (c.includeLogs()) {
            List<String> commands = DatabaseCommands.logs(db);
            String text = c.logExcerpt() == null ? null : "The log excerpt given with this incident:\n\n```text\n"
                    + c.logExcerpt().strip() + "\n```";
            steps.add(new Item(label(steps), "Review Application Logs", text, null, bash(commands), List.of(
                    "Connection timeouts", "Authentication failures", "Refused or reset connections",
                    "Connection pool exhaustion (waiting for a connection)")));
        }
        steps.add(new Item(label(steps), "Test Database Connectivity",
                "Run this from where the application runs, with the application's own settings:", null,
                snippets.get(c.language(), CodeSnippets.Kind.CONNECTIVITY), null));
        return new Section(number, "diagnostic-steps", "Diagnostic Steps", null, null, steps, null, null, null, null);
    }

    private static Section rootCauses(int number, IncidentContext c, List<RootCauseRanker.Ranked> top) {
        List<RootCause> causes = new ArrayList<>();
        for (RootCauseRanker.Ranked r : top) {
            Playbook p = r.playbook();
            String letter = String.valueOf((char) ('A' + causes.size()));
            causes.add(new RootCause(letter, p.id(), p.title(), p.category(), r.score(), p.symptom(),
                    c.includeSolutions() ? p.solutions() : null,
                    c.includeSolutions() ? p.prevention() : null,
                    bash(p.commandsFor(c.database().id()))));
        }
        return new Section(number, "common-root-causes", "Common Root Causes", null, null, null, causes, null, null,
                null);
    }

    private Section mitigation(int number, IncidentContext c) {
        List<Item> actions = new ArrayList<>();
        actions.add(new Item(label(actions), "Check Database Health", null, null, bash(DatabaseCommands.healthCheck(c.database())),
                null));
        actions.add(new Item(label(actions), "Review Connection Pool Configuration",
                "Bound the pool, its wait queue and how long a request may wait for a connection:", null,
                snippets.get(c.language(), CodeSnippets.Kind.POOL), null));
        if (c.includeLogs()) {
            actions.add(new Item(label(actions), "Enable Detailed Logging",
                    "Turn driver logging up while the incident lasts, and back down afterwards:", null,
                    snippets.get(c.language(), CodeSnippets.Kind.LOGGING), null));
        }
        actions.add(new Item(label(actions), "Implement Circuit Breaker Pattern",
                "Stop hammering a failing database; fail fast or serve cached data until it recovers:", null,
                snippets.get(c.language(), CodeSnippets.Kind.BREAKER), null));
        return new Section(number, "immediate-mitigation", "Immediate Mitigation Steps", null, null, actions, null, null,
                null, null);
    }

    private Section longTerm(int number, IncidentContext c) {
        List<Item> practices = new ArrayList<>();
        practices.add(new Item("A", "Connection Pooling", null, List.of(
                "Use " + poolLibrary(c.language()),
                "Size the pool for the real concurrency, and bound the wait for a connection",
                "Watch pool usage (in use, idle, waiting) as metrics"), null, null));
        practices.add(new Item("B", "Health Checks", null, List.of(
                "Expose a health endpoint that reports the database without failing liveness",
                "Alert on it from outside the application",
                "Automate failover to a standby, and point clients at one failover-aware address"), null, null));
        practices.add(new Item("C", "Retry Logic with Exponential Backoff", null, null,
                snippets.get(c.language(), CodeSnippets.Kind.RETRY), null));
        practices.add(new Item("D", "Monitoring and Alerting", null, List.of(
                "Export database connection metrics (opened, failed, in use, waiting)",
                "Alert on the connection failure rate",
                "Alert on pool utilisation before it reaches 100%",
                "Track query latency, not only errors"), null, null));
        return new Section(number, "long-term-solutions", "Long-term Solutions", null, null, practices, null, null, null,
                null);
    }

    private static Section checklist(int number, String id, String title, String intro, List<String> items) {
        return new Section(number, id, title, null, null, null, null, intro, items, null);
    }

    private static List<Field> nextSteps(IncidentContext c, List<RootCauseRanker.Ranked> top) {
        String immediate = top.isEmpty() || top.get(0).score() == 0
                ? "Verify the database service status and connectivity"
                : "Confirm or rule out " + top.get(0).playbook().title().toLowerCase()
                        + ", then verify connectivity";
        return List.of(
                new Field("Immediate", immediate),
                new Field("Short-term", c.includeLogs() ? "Read the logs and pin down the root cause"
                        : "Pin down the root cause from the diagnostic steps"),
                new Field("Medium-term", "Add monitoring and alerting for connection failures and pool usage"),
                new Field("Long-term", "Review the architecture for resilience: pooling, retries, breakers, failover"));
    }

    private static List<String> resources(IncidentContext c) {
        List<String> resources = new ArrayList<>();
        switch (c.database()) {
            case POSTGRESQL, OTHER -> {
                resources.add("PostgreSQL: connection settings - https://www.postgresql.org/docs/current/runtime-config-connection.html");
                resources.add("PostgreSQL: error codes (SQLSTATE) - https://www.postgresql.org/docs/current/errcodes-appendix.html");
                resources.add("PgBouncer, a connection pooler - https://www.pgbouncer.org/");
            }
            case MYSQL -> resources.add("MySQL: connection errors - https://dev.mysql.com/doc/refman/8.0/en/common-errors.html");
            case MONGODB -> resources.add("MongoDB: connection pool overview - https://www.mongodb.com/docs/manual/administration/connection-pool-overview/");
            case REDIS -> resources.add("Redis: clients handling - https://redis.io/docs/latest/develop/reference/clients/");
        }
        resources.add("Circuit breaker pattern - https://martinfowler.com/bliki/CircuitBreaker.html");
        resources.add("Exponential backoff and jitter - https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/");
        resources.add("Kubernetes liveness, readiness and startup probes - https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/");
        return resources;
    }

    private static String poolLibrary(Language language) {
        return switch (language) {
            case PYTHON -> "a pool such as psycopg_pool or SQLAlchemy's QueuePool";
            case JAVA -> "HikariCP (JDBC) or the Vert.x reactive pool";
            case GO -> "pgxpool";
            case JAVASCRIPT, TYPESCRIPT -> "pg.Pool";
            case RUBY -> "the connection_pool gem or ActiveRecord's pool";
            case CSHARP -> "Npgsql's built-in pooling (Maximum Pool Size, Timeout)";
            case PHP -> "PgBouncer in front of the database (PHP keeps no pool between requests)";
            case RUST -> "deadpool-postgres or sqlx's PgPool";
            case OTHER -> "the driver's pool or PgBouncer";
        };
    }

    private static Code bash(List<String> lines) {
        return new Code("bash", String.join("\n", lines));
    }

    private static String label(List<?> soFar) {
        return String.valueOf(soFar.size() + 1);
    }
}
