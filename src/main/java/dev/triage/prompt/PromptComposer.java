package dev.triage.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    private final StackProfiles profiles;

    public PromptComposer(CodeSnippets snippets, StackProfiles profiles) {
        this.snippets = snippets;
        this.profiles = profiles;
    }

    public PromptDocument compose(IncidentContext raw, List<Playbook> playbooks) {
        return compose(raw, playbooks, Map.of());
    }

    /** With extra ranking evidence by playbook id (see {@link RootCauseRanker#rank(IncidentContext, List, Map)}). */
    public PromptDocument compose(IncidentContext raw, List<Playbook> playbooks, Map<String, Integer> boosts) {
        IncidentContext c = raw.withDefaults();
        RootCauseRanker.Ranking ranking = RootCauseRanker.rank(c, playbooks, boosts);
        List<RootCauseRanker.Ranked> top = ranking.causes().subList(0, Math.min(ROOT_CAUSES, ranking.causes().size()));
        StackProfiles.Database db = profiles.database(c.database().id());

        List<Section> sections = new ArrayList<>();
        sections.add(assessment(sections.size() + 1, c, ranking, db));
        sections.add(diagnosticSteps(sections.size() + 1, c, db));
        sections.add(rootCauses(sections.size() + 1, c, top));
        sections.add(mitigation(sections.size() + 1, c, db));
        if (c.includeSolutions()) {
            sections.add(longTerm(sections.size() + 1, c, db));
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

        boolean finding = ranking.confidence() == RootCauseRanker.Confidence.STRONG;
        String title = c.issueDescription() + (finding ? " - " + ranking.top().playbook().title() : "");
        return new PromptDocument(title, context(c), match(ranking), sections, nextSteps(c, ranking), resources(db),
                List.of("Restore the service", "Assess the impact", "Find the root cause", "Prevent a repeat"));
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

    private static Section assessment(int number, IncidentContext c, RootCauseRanker.Ranking ranking,
            StackProfiles.Database db) {
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
        String text = "This is a **" + (c.urgency() == Urgency.CRITICAL || c.urgency() == Urgency.HIGH
                ? c.urgency().id() + " " + where + " issue**" : where + " issue of " + c.urgency().id() + " urgency**")
                + ": " + c.issueDescription() + (c.errorMessage() == null ? "." : " (\"" + c.errorMessage() + "\").")
                + " " + impact + " " + pace + "\n\n" + suspect(ranking, db);
        return new Section(number, "immediate-assessment", "Immediate Assessment", headline, text, null, null, null,
                null, null);
    }

    /** What the ranking is worth, in plain words: a finding only when the evidence is specific. */
    private static String suspect(RootCauseRanker.Ranking ranking, StackProfiles.Database db) {
        String order = "the usual order for an API backed by " + ("other".equals(db.id()) ? "a database" : db.label());
        RootCauseRanker.Ranked top = ranking.top();
        return switch (ranking.confidence()) {
            case STRONG -> "**Likely cause: " + top.playbook().title().toLowerCase(Locale.ROOT) + "** (matched "
                    + String.join(", ", top.matched()) + "). Confirm it with the commands under root cause A"
                    + " before acting on it.";
            case WEAK -> {
                RootCauseRanker.Ranked second = ranking.causes().get(1);
                String tie = second.score() == top.score()
                        ? " fits " + top.playbook().title().toLowerCase(Locale.ROOT) + " and "
                                + second.playbook().title().toLowerCase(Locale.ROOT) + " equally"
                        : " points only weakly at " + top.playbook().title().toLowerCase(Locale.ROOT);
                yield "**No clear cause yet.** The error" + tie + " (matched " + String.join(", ", top.matched())
                        + ": generic words, not a code or a specific message). The causes below put what matched"
                        + " first and then follow " + order + "; treat the order as a starting point,"
                        + " not a finding, and let the diagnostic steps decide.";
            }
            case NONE -> "**No known cause matches this error.** Nothing in it matches a rule of Triage's"
                    + " catalogue, so the causes below are only in " + order + ", most common first. Start with the"
                    + " diagnostic steps, and add the exact error text (with any error code) to the incident to"
                    + " sharpen the ranking.";
        };
    }

    private static PromptDocument.Match match(RootCauseRanker.Ranking ranking) {
        RootCauseRanker.Ranked top = ranking.top();
        boolean any = top != null && top.score() > 0;
        return new PromptDocument.Match(ranking.confidence().id(), any ? top.playbook().id() : null,
                any ? top.score() : 0, any ? top.matched() : List.of(), RootCauseRanker.STRONG_SCORE);
    }

    private Section diagnosticSteps(int number, IncidentContext c, StackProfiles.Database db) {
        List<Item> steps = new ArrayList<>();
        steps.add(new Item(label(steps), "Verify Database Service Status", null, null, bash(db.serviceStatus()), null));
        steps.add(new Item(label(steps), "Check Database Connection Parameters", null, List.of(
                db.port().startsWith("$") ? "Host name and port match the running server"
                        : "Host name and port (" + db.label() + " listens on " + db.port()
                                + " by default) match the running server",
                "User name and password are current (rotated secrets, expired passwords)",
                "The port is reachable from where the application runs (firewalls, security groups, network policies)",
                "TLS settings (sslmode or equivalent) match what the server requires"), null, null));
        if (c.includeLogs()) {
            List<String> commands = List.of(
                    "# The application's recent errors",
                    "kubectl logs deploy/\"$APP\" --since=30m | grep -i -E 'error|exception|timeout|refused'",
                    "# The database server's log",
                    db.serverLog());
            String text = c.logExcerpt() == null ? null : "The log excerpt given with this incident:\n\n```text\n"
                    + c.logExcerpt().strip() + "\n```";
            steps.add(new Item(label(steps), "Review Application Logs", text, null, bash(commands), List.of(
                    "Connection timeouts", "Authentication failures", "Refused or reset connections",
                    "Connection pool exhaustion (waiting for a connection)")));
        }
        StackProfiles.Client client = profiles.client(c.language().id(), db.id());
        steps.add(new Item(label(steps), "Test Database Connectivity",
                "Run this from where the application runs, with the application's own settings (" + client.name()
                        + "):", null,
                code(c, db, CodeSnippets.Kind.CONNECTIVITY), null));
        return new Section(number, "diagnostic-steps", "Diagnostic Steps", null, null, steps, null, null, null, null);
    }

    private static Section rootCauses(int number, IncidentContext c, List<RootCauseRanker.Ranked> top) {
        List<RootCause> causes = new ArrayList<>();
        for (RootCauseRanker.Ranked r : top) {
            Playbook p = r.playbook();
            String letter = String.valueOf((char) ('A' + causes.size()));
            List<String> commands = p.commandsFor(c.database().id());
            causes.add(new RootCause(letter, p.id(), p.title(), p.category(), r.score(), r.matched(), p.symptom(),
                    c.includeSolutions() ? p.solutions() : null,
                    c.includeSolutions() ? p.prevention() : null,
                    commands.isEmpty() ? null : bash(commands)));
        }
        return new Section(number, "common-root-causes", "Common Root Causes", null, null, null, causes, null, null,
                null);
    }

    private Section mitigation(int number, IncidentContext c, StackProfiles.Database db) {
        List<Item> actions = new ArrayList<>();
        actions.add(new Item(label(actions), "Check Database Health", null, null, bash(db.healthCheck()), null));
        actions.add(new Item(label(actions), "Review Connection Pool Configuration",
                "Bound the pool, its wait queue and how long a request may wait for a connection:", null,
                code(c, db, CodeSnippets.Kind.POOL), null));
        if (c.includeLogs()) {
            actions.add(new Item(label(actions), "Enable Detailed Logging",
                    "Turn driver logging up while the incident lasts, and back down afterwards:", null,
                    code(c, db, CodeSnippets.Kind.LOGGING), null));
        }
        actions.add(new Item(label(actions), "Implement Circuit Breaker Pattern",
                "Stop hammering a failing database; fail fast or serve cached data until it recovers:", null,
                code(c, db, CodeSnippets.Kind.BREAKER), null));
        return new Section(number, "immediate-mitigation", "Immediate Mitigation Steps", null, null, actions, null, null,
                null, null);
    }

    private Section longTerm(int number, IncidentContext c, StackProfiles.Database db) {
        List<Item> practices = new ArrayList<>();
        practices.add(new Item("A", "Connection Pooling", null, List.of(
                "Use " + profiles.client(c.language().id(), db.id()).pool(),
                "Size the pool for the real concurrency, and bound the wait for a connection",
                "Watch pool usage (in use, idle, waiting) as metrics"), null, null));
        practices.add(new Item("B", "Health Checks", null, List.of(
                "Expose a health endpoint that reports the database without failing liveness",
                "Alert on it from outside the application",
                "Automate failover to a standby, and point clients at one failover-aware address"), null, null));
        practices.add(new Item("C", "Retry Logic with Exponential Backoff", null, null,
                code(c, db, CodeSnippets.Kind.RETRY), null));
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

    private static List<Field> nextSteps(IncidentContext c, RootCauseRanker.Ranking ranking) {
        String immediate = ranking.confidence() == RootCauseRanker.Confidence.STRONG
                ? "Confirm or rule out " + ranking.top().playbook().title().toLowerCase(Locale.ROOT)
                        + ", then verify connectivity"
                : "Verify the database service status and connectivity, then check the root causes in order";
        return List.of(
                new Field("Immediate", immediate),
                new Field("Short-term", c.includeLogs() ? "Read the logs and pin down the root cause"
                        : "Pin down the root cause from the diagnostic steps"),
                new Field("Medium-term", "Add monitoring and alerting for connection failures and pool usage"),
                new Field("Long-term", "Review the architecture for resilience: pooling, retries, breakers, failover"));
    }

    private static List<String> resources(StackProfiles.Database db) {
        List<String> resources = new ArrayList<>(db.resources());
        resources.add("Circuit breaker pattern - https://martinfowler.com/bliki/CircuitBreaker.html");
        resources.add("Exponential backoff and jitter - https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/");
        resources.add("Kubernetes liveness, readiness and startup probes - https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/");
        return resources;
    }

    private Code code(IncidentContext c, StackProfiles.Database db, CodeSnippets.Kind kind) {
        return snippets.get(c.language().id(), db.id(), kind);
    }

    private static Code bash(List<String> lines) {
        return new Code("bash", String.join("\n", lines));
    }

    private static String label(List<?> soFar) {
        return String.valueOf(soFar.size() + 1);
    }
}
