package dev.triage.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The shipped alert rules: the PrometheusRule under k8s/ is the rules file, byte for byte;
 * promtool accepts the rules and their unit tests (when promtool is installed); every alert
 * carries a severity, a summary, a description and a runbook_url pointing at Triage's own
 * prompt. Plain JUnit: no Quarkus, no database.
 */
class AlertRulesTest {

    /** The Maven basedir (surefire runs the tests there). */
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path RULES = ROOT.resolve("monitoring/triage-alerts.rules.yml");
    private static final Path RULE_TESTS = ROOT.resolve("monitoring/triage-alerts.test.yml");
    private static final Path PROMETHEUS_RULE = ROOT.resolve("k8s/monitoring/prometheus-rule.yaml");

    /** Placeholders the overlays replace per installation (k8s/overlays/production/installation.yaml). */
    static final String RUNBOOK_PREFIX = "https://triage.example.com/api/v1/diagnostics/prompt?category=";
    static final String GUIDE_PREFIX = "https://git.example.com/triage/docs/OPERATIONS.md#";
    private static final Path GUIDE = ROOT.resolve("docs/OPERATIONS.md");
    /** Triage itself is down: its own prompt cannot answer, the runbook is the operators' guide. */
    private static final Set<String> AVAILABILITY_ALERTS = Set.of("TriageDown", "TriageInstanceDown");
    private static final Pattern POOL_FILTER = Pattern.compile("pool_name=~\"([^\"]+)\"");
    private static final Pattern POOL_SELECTOR = Pattern.compile("sql_pool_[a-z_]+(\\{[^}]*\\})?");
    private static final Set<String> EXPECTED_ALERTS = Set.of(
            "TriageDown",
            "TriageInstanceDown",
            "TriageDatabaseUnreachable",
            "TriageDatabaseFailureRate",
            "TriageDatabasePoolSaturated",
            "TriageCircuitBreakerOpen",
            "TriageRising503Rate",
            "TriageReadinessFlapping");
    private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");

    @Test
    void prometheusRuleSpecIsTheRulesFile() throws IOException {
        List<String> ruleLines = Files.readAllLines(PROMETHEUS_RULE, StandardCharsets.UTF_8);
        int spec = ruleLines.indexOf("spec:");
        assertTrue(spec >= 0, PROMETHEUS_RULE + " has no top-level 'spec:' line");

        StringBuilder unindented = new StringBuilder();
        for (int i = spec + 1; i < ruleLines.size(); i++) {
            String line = ruleLines.get(i);
            if (line.startsWith("  ")) {
                unindented.append(line.substring(2));
            } else if (!line.isEmpty()) {
                fail(PROMETHEUS_RULE + " line " + (i + 1) + " is not indented under spec: " + line);
            }
            unindented.append('\n');
        }
        String rules = Files.readString(RULES, StandardCharsets.UTF_8);
        assertEquals(rules, unindented.toString(),
                PROMETHEUS_RULE + " differs from " + RULES + ": run monitoring/sync-prometheus-rule.sh");
    }

    @Test
    void promtoolAcceptsTheRulesAndTheirUnitTests() throws Exception {
        Optional<Path> promtool = onPath("promtool");
        if (promtool.isEmpty()) {
            System.out.println("[alert-rules] promtool not installed: rules not checked");
        }
        Assumptions.assumeTrue(promtool.isPresent(), "promtool not installed: rules not checked");

        promtool(promtool.get(), "check", "rules", "monitoring/triage-alerts.rules.yml");
        promtool(promtool.get(), "test", "rules", "monitoring/triage-alerts.test.yml");
    }

    @Test
    void everyAlertHasSeverityAndAnnotationsWithRunbook() throws IOException {
        Map<String, Alert> alerts = parseAlerts(Files.readAllLines(RULES, StandardCharsets.UTF_8));
        assertEquals(EXPECTED_ALERTS, alerts.keySet(), "alerts in " + RULES);

        String tests = Files.readString(RULE_TESTS, StandardCharsets.UTF_8);
        for (Alert alert : alerts.values()) {
            String where = alert.name + " in " + RULES;
            String severity = alert.labels.get("severity");
            assertTrue(severity != null && SEVERITIES.contains(unquote(severity)),
                    where + ": label severity must be one of " + SEVERITIES + ", is " + severity);
            for (String annotation : List.of("summary", "description", "runbook_url")) {
                String value = alert.annotations.get(annotation);
                assertTrue(value != null && !unquote(value).isBlank(), where + ": annotation " + annotation + " missing");
            }
            String runbook = unquote(alert.annotations.get("runbook_url"));
            if (AVAILABILITY_ALERTS.contains(alert.name)) {
                assertTrue(runbook.startsWith(GUIDE_PREFIX), where + ": runbook_url must be a section of the"
                        + " operators' guide (" + GUIDE_PREFIX + "<section>), is " + runbook);
                String anchor = runbook.substring(GUIDE_PREFIX.length());
                assertTrue(guideAnchors().contains(anchor), where + ": docs/OPERATIONS.md has no section #" + anchor);
            } else {
                assertTrue(runbook.startsWith(RUNBOOK_PREFIX) && runbook.length() > RUNBOOK_PREFIX.length(),
                        where + ": runbook_url must be Triage's own prompt for a category (" + RUNBOOK_PREFIX
                                + "<category>), is " + runbook);
            }
            assertTrue(tests.contains("alertname: " + alert.name), alert.name + " has no case in " + RULE_TESTS);
        }
    }

    @Test
    void poolRulesWatchTheRequestPoolOnly() throws IOException {
        Pattern filter = Pattern.compile(requestPoolFilter());
        for (String name : List.of("triage", "triage-2", "triage-17")) {
            assertTrue(filter.matcher(name).matches(), "the pool filter misses request pool " + name);
        }
        for (String name : List.of("triage-probe", "__vertx.DEFAULT", "other")) {
            assertTrue(!filter.matcher(name).matches(), "the pool filter takes " + name + ", not a request pool");
        }
    }

    /**
     * The pool_name regex of the pool rules (every sql_pool_* selector in the rules file uses the
     * same one). MetricsTest checks it against the pool names a running instance reports.
     */
    static String requestPoolFilter() throws IOException {
        String rules = Files.readString(RULES, StandardCharsets.UTF_8);
        Set<String> filters = new LinkedHashSet<>();
        Matcher m = POOL_FILTER.matcher(rules);
        while (m.find()) {
            filters.add(m.group(1));
        }
        Matcher selector = POOL_SELECTOR.matcher(rules);
        while (selector.find()) {
            assertTrue(selector.group().contains("pool_name=~"),
                    "every sql_pool_* selector must filter pool_name: " + selector.group());
        }
        assertEquals(1, filters.size(), "the pool rules must share one pool_name filter: " + filters);
        return filters.iterator().next();
    }

    /** GitHub-style anchors of the headings of docs/OPERATIONS.md. */
    private static Set<String> guideAnchors() throws IOException {
        Set<String> anchors = new LinkedHashSet<>();
        for (String line : Files.readAllLines(GUIDE, StandardCharsets.UTF_8)) {
            if (line.startsWith("#")) {
                String title = line.replaceFirst("^#+\\s*", "").trim().toLowerCase();
                anchors.add(title.replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    // ------------------------------------------------------------------------------------------

    private static void promtool(Path promtool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(promtool.toString());
        command.addAll(List.of(args));
        // Output goes to a file, so that a hung promtool cannot block a read: the wait is bounded.
        Path log = Files.createTempFile("promtool", ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(ROOT.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within 60 s:\n" + Files.readString(log));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            System.out.println("[alert-rules] promtool " + String.join(" ", args) + ":\n" + output.stripTrailing());
            assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static Optional<Path> onPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, executable);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static final Pattern ALERT = Pattern.compile("^\\s*- alert:\\s*(\\S+)\\s*$");
    private static final Pattern RULE = Pattern.compile("^\\s*- (alert|record):.*$");
    private static final Pattern SECTION = Pattern.compile("^(\\s*)(labels|annotations):\\s*$");
    private static final Pattern KEY = Pattern.compile("^(\\s*)([A-Za-z_][A-Za-z0-9_]*):\\s*(.*)$");

    /** An alerting rule's labels and annotations (values as written: maybe quoted or a block marker). */
    private record Alert(String name, Map<String, String> labels, Map<String, String> annotations) {
    }

    /**
     * Reads alerting rules with line logic, enough for the format of this file: a rule starts at
     * "- alert:"; its labels and annotations are the keys indented one level under "labels:" and
     * "annotations:". A block scalar ("&gt;-", "|") counts as present when a line follows it.
     */
    private static Map<String, Alert> parseAlerts(List<String> lines) {
        Map<String, Alert> alerts = new LinkedHashMap<>();
        Set<String> duplicates = new LinkedHashSet<>();
        Alert current = null;
        Map<String, String> section = null;
        int sectionIndent = -1;
        int keyIndent = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            Matcher alert = ALERT.matcher(line);
            if (RULE.matcher(line).matches()) {
                current = null;
                section = null;
                if (alert.matches()) {
                    current = new Alert(alert.group(1), new LinkedHashMap<>(), new LinkedHashMap<>());
                    if (alerts.putIfAbsent(current.name, current) != null) {
                        duplicates.add(current.name);
                    }
                }
                continue;
            }
            if (current == null) {
                continue;
            }
            int indent = line.length() - line.stripLeading().length();
            Matcher sectionStart = SECTION.matcher(line);
            if (sectionStart.matches()) {
                section = sectionStart.group(2).equals("labels") ? current.labels : current.annotations;
                sectionIndent = indent;
                keyIndent = -1;
                continue;
            }
            if (section != null && indent <= sectionIndent) {
                section = null;
            }
            if (section == null) {
                continue;
            }
            Matcher key = KEY.matcher(line);
            if (key.matches() && (keyIndent < 0 || indent == keyIndent)) {
                keyIndent = indent;
                String value = key.group(3).trim();
                boolean block = value.startsWith(">") || value.startsWith("|");
                if (block) {
                    boolean continued = i + 1 < lines.size()
                            && lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length() > indent
                            && !lines.get(i + 1).isBlank();
                    value = continued ? lines.get(i + 1).trim() : "";
                }
                section.put(key.group(2), value);
            }
        }
        assertTrue(duplicates.isEmpty(), "alerts defined twice: " + duplicates);
        return alerts;
    }

    private static String unquote(String value) {
        String v = value.trim();
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
