package dev.triage.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import dev.triage.support.LogRecording;
import dev.triage.support.RawHttp;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Sends well over 1,500 malformed and hostile requests to every endpoint over raw sockets (HTTP
 * client libraries refuse to send most of them) with the database up, then checks what a hostile
 * client must never get: a 5xx, a 4xx that is not problem+json (or does not name the field it is
 * about), an ERROR line or a stack trace in the log, a secret in any answer or log line, an
 * unbounded metric tag, or a service that is not healthy afterwards. Prints the counts.
 *
 * <p>Requests the HTTP decoder itself refuses before any Triage code runs (a request line or
 * header section beyond its 64 KiB ceilings, a request line or header that is not HTTP) are
 * answered by Vert.x with a bare status and a closed connection; they are counted apart and must
 * not log either.
 */
@QuarkusTest
class HostileInputFuzzTest {

    private static final int TIMEOUT_MILLIS = 10_000;
    private static final Pattern URI_TAG = Pattern.compile("http_server_requests_seconds_count\\{[^}]*uri=\"([^\"]*)\"");
    /** Words that show parser or framework internals leaking into an answer. */
    private static final List<String> INTERNALS = List.of("[Source:", "StreamReadFeature", "line: 1", "column:",
            "com.fasterxml", "java.lang", "io.vertx", "jakarta.", "org.jboss", "Exception", "\tat ", "@Consumes");

    @TestHTTPResource("/")
    URL root;

    /** What a case must get. */
    enum Expect {
        /** Any answer below 500; a 4xx must be problem+json. */
        ANSWER,
        /** A 4xx problem+json; when a field is given, the problem names it. */
        PROBLEM,
        /** Refused by the HTTP decoder before Triage: a bare 4xx, or the connection closed. */
        DECODER,
        /** The connection may close without an answer (a broken body): never a 5xx or a bare 4xx. */
        MAY_CLOSE
    }

    record Case(String name, byte[] bytes, Expect expect, String field) {
    }

    private final List<Case> cases = new ArrayList<>();
    private final Random random = new Random(11);

    // ------------------------------------------------------------------------------------------
    // The request factory: every request starts here.
    // ------------------------------------------------------------------------------------------

    static RawHttp.Builder request(String method, String target) {
        RawHttp.Builder builder = new RawHttp.Builder().method(method).target(target)
                .header("Host: 127.0.0.1").header("Connection: close");
        credentials(method, target).ifPresent(builder::header);
        return builder;
    }

    /**
     * The one place that authenticates the barrage: a token with the role the endpoint needs, so
     * that every hostile request reaches the validation it is aimed at (authentication runs first).
     */
    static Optional<String> credentials(String method, String target) {
        if (!target.startsWith("/api/")) {
            return Optional.empty();
        }
        boolean admin = target.startsWith("/api/v1/admin") || target.startsWith("/api/v1/diagnostics")
                || (target.startsWith("/api/v1/playbooks") && !method.equals("GET"));
        String token = admin ? Api.ADMIN_TOKEN : target.startsWith("/api/v1/alerts") ? Api.ALERT_TOKEN : Api.WRITER_TOKEN;
        return Optional.of("Authorization: Bearer " + token);
    }

    static RawHttp.Builder json(String method, String target, byte[] body) {
        return request(method, target).header("Content-Type: application/json").header("Accept: application/json")
                .body(body);
    }

    private void add(String name, RawHttp.Builder request, Expect expect, String field) {
        cases.add(new Case(name, request.build().bytes(), expect, field));
    }

    private void add(String name, RawHttp.Builder request, Expect expect) {
        add(name, request, expect, null);
    }

    // ------------------------------------------------------------------------------------------
    // The bodies: a valid one per JSON endpoint, as ordered field -> raw JSON value.
    // ------------------------------------------------------------------------------------------

    record Body(String method, String path, Map<String, String> fields, List<String> requiredText,
            List<String> multilineText, List<String> singleLineText, List<String> booleans, List<String> integers,
            List<String> enums) {

        String json() {
            return object(fields);
        }

        String with(String field, String rawValue) {
            Map<String, String> copy = new LinkedHashMap<>(fields);
            copy.put(field, rawValue);
            return object(copy);
        }

        List<String> text() {
            List<String> all = new ArrayList<>(requiredText);
            all.addAll(multilineText);
            all.addAll(singleLineText);
            return all.stream().distinct().toList();
        }
    }

    static String object(Map<String, String> fields) {
        StringBuilder json = new StringBuilder("{");
        fields.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return json.append('}').toString();
    }

    static String str(String value) {
        return '"' + value + '"';
    }

    static Map<String, String> fields(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    static Map<String, String> context(String description) {
        return fields("issueDescription", str(description), "errorMessage", str("FATAL: too many connections (53300)"),
                "environment", str("staging"), "language", str("go"), "urgency", str("high"), "includeLogs", "true",
                "includeSolutions", "false", "service", str("checkout"), "database", str("postgresql"),
                "labels", "{\"team\":\"payments\"}", "logExcerpt", str("line 1\\nline 2"));
    }

    static final String ALERT = object(fields("status", str("firing"), "labels", "{\"alertname\":\"FuzzAlert\"}",
            "annotations", "{\"summary\":\"s\"}", "startsAt", str("2024-01-01T00:00:00Z"), "endsAt",
            str("0001-01-01T00:00:00Z"), "generatorURL", str("http://prometheus/graph"), "fingerprint", str("fuzzfp")));

    private List<Body> bodies(String incidentId) {
        List<Body> bodies = new ArrayList<>();
        List<String> contextText = List.of("issueDescription");
        bodies.add(new Body("POST", "/api/v1/incidents", context("Fuzzed incident"), contextText,
                List.of("issueDescription", "errorMessage", "logExcerpt"), List.of("service"), List.of("includeLogs", "includeSolutions"),
                List.of(), List.of("environment", "language", "urgency", "database")));
        bodies.add(new Body("POST", "/api/v1/prompts", context("Fuzzed prompt"), contextText,
                List.of("issueDescription", "errorMessage", "logExcerpt"), List.of("service"), List.of("includeLogs", "includeSolutions"),
                List.of(), List.of("environment", "language", "urgency", "database")));
        bodies.add(new Body("PATCH", "/api/v1/incidents/" + incidentId, fields("status", str("acknowledged"), "notes",
                str("looking")), List.of(), List.of("notes"), List.of(), List.of(), List.of(), List.of("status")));
        bodies.add(new Body("PUT", "/api/v1/admin/maintenance", fields("enabled", "false", "reason", str("fuzz"),
                "retryAfterSeconds", "30"), List.of(), List.of(), List.of("reason"), List.of("enabled"),
                List.of("retryAfterSeconds"), List.of()));
        bodies.add(new Body("PUT", "/api/v1/playbooks/fuzz-playbook", fields("position", "50", "title", str("Fuzz"),
                "category", str("fuzz"), "symptom", str("s"), "match",
                "{\"sqlstates\":[\"53300\"],\"exceptions\":[\"E\"],\"keywords\":[\"fuzz\"]}", "solutions", "[\"a\"]",
                "prevention", str("p"), "commands", "{\"postgresql\":[\"SELECT 1;\"]}"),
                List.of("title", "category", "symptom", "prevention"), List.of("symptom", "prevention"),
                List.of("title", "category"), List.of(), List.of("position"), List.of()));
        bodies.add(new Body("POST", "/api/v1/alerts/alertmanager", fields("version", str("4"), "groupKey", str("g"),
                "truncatedAlerts", "0", "status", str("firing"), "receiver", str("triage"), "groupLabels", "{}",
                "commonLabels", "{}", "commonAnnotations", "{}", "externalURL", str("http://alertmanager"),
                "alerts", "[" + ALERT + "]"), List.of(), List.of(), List.of(), List.of(), List.of("truncatedAlerts"),
                List.of()));
        return bodies;
    }

    // ------------------------------------------------------------------------------------------
    // The barrage.
    // ------------------------------------------------------------------------------------------

    private void jsonBodyCases(Body b) {
        String where = b.method() + " " + b.path();
        String valid = b.json();
        // Duplicate keys: every field repeated after the full object (the 500 of the issue).
        for (String field : b.fields().keySet()) {
            String dup = valid.substring(0, valid.length() - 1) + ",\"" + field + "\":" + b.fields().get(field) + "}";
            add(where + " duplicate " + field, json(b.method(), b.path(), bytes(dup)), Expect.PROBLEM, field);
        }
        add(where + " duplicate in a map", json(b.method(), b.path(), bytes(valid.replace("{}", "{\"a\":\"1\",\"a\":\"2\"}")
                .replace("{\"team\":\"payments\"}", "{\"team\":\"a\",\"team\":\"b\"}"))), Expect.ANSWER);
        // Trailing content and broken documents.
        for (String tail : List.of(" garbage", valid, "]", " 1", ",", "}", " null", "\u0000", " {\"x\":1}")) {
            add(where + " trailing " + printable(tail), json(b.method(), b.path(), bytes(valid + tail)), Expect.PROBLEM,
                    "body");
        }
        for (int cut : new int[] { 1, 2, 5, 10, valid.length() / 2, valid.length() - 2, valid.length() - 1 }) {
            add(where + " truncated at " + cut, json(b.method(), b.path(), bytes(valid.substring(0, cut))), Expect.PROBLEM);
        }
        // Invalid UTF-8 inside the document.
        String marker = "\"MARK\"";
        String stringField = b.text().isEmpty() ? b.fields().entrySet().stream()
                .filter(e -> e.getValue().startsWith("\"")).findFirst().orElseThrow().getKey() : b.text().get(0);
        String withMarker = b.with(stringField, marker);
        for (byte[] bad : List.of(new byte[] { (byte) 0xFF }, new byte[] { (byte) 0xC0, (byte) 0xAF },
                new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, new byte[] { (byte) 0xE9, 'b' },
                new byte[] { (byte) 0x80 }, new byte[] { (byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80 },
                new byte[] { (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 }, new byte[] { (byte) 0xE2, (byte) 0x82 })) {
            byte[] body = splice(withMarker, "MARK", bad);
            add(where + " invalid UTF-8 " + hex(bad), json(b.method(), b.path(), body), Expect.PROBLEM, "body");
        }
        add(where + " UTF-16 body", json(b.method(), b.path(), valid.getBytes(StandardCharsets.UTF_16LE)), Expect.PROBLEM,
                "body");
        add(where + " UTF-32 body", json(b.method(), b.path(), valid.getBytes(java.nio.charset.Charset.forName("UTF-32BE"))),
                Expect.PROBLEM, "body");
        add(where + " UTF-8 BOM", json(b.method(), b.path(), concat(new byte[] { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF },
                bytes(valid))), Expect.ANSWER);
        // Type coercion.
        for (String field : b.text()) {
            for (String wrong : List.of("123", "1.5", "true", "[]", "{}", "[\"a\"]")) {
                add(where + " " + field + "=" + wrong, json(b.method(), b.path(), bytes(b.with(field, wrong))),
                        Expect.PROBLEM, field);
            }
        }
        for (String field : b.booleans()) {
            for (String wrong : List.of("\"false\"", "\"true\"", "0", "1", "123456789012345678901234567890", "1e400",
                    "\"\"", "null_", "[true]", "{}")) {
                add(where + " " + field + "=" + wrong, json(b.method(), b.path(), bytes(b.with(field, wrong))),
                        Expect.PROBLEM, wrong.equals("null_") ? null : field);
            }
        }
        for (String field : b.integers()) {
            for (String wrong : List.of("1.9", "\"30\"", "true", "1e3", "99999999999999999999", "-99999999999999999999",
                    "1" + "0".repeat(400), "NaN", "Infinity", "0x10", "01", "[30]", "\"\"")) {
                add(where + " " + field + "=" + wrong, json(b.method(), b.path(), bytes(b.with(field, wrong))),
                        Expect.PROBLEM, wrong.equals("0x10") || wrong.equals("01") || wrong.equals("NaN")
                                || wrong.equals("Infinity") || wrong.startsWith("1000") ? null : field);
            }
        }
        for (String field : b.enums()) {
            for (String wrong : List.of("1", "\"\"", "\"nonsense\"", "true", "[\"high\"]", "{}", "\"h\\u0000igh\"")) {
                add(where + " " + field + "=" + wrong, json(b.method(), b.path(), bytes(b.with(field, wrong))),
                        Expect.PROBLEM, field);
            }
            add(where + " " + field + " odd case", json(b.method(), b.path(), bytes(b.with(field,
                    b.fields().get(field).toUpperCase()))), Expect.ANSWER);
        }
        // Control and invisible characters in text fields.
        for (String field : b.text()) {
            boolean multiline = b.multilineText().contains(field);
            for (String bad : List.of("\\u0000", "\\u0007", "\\u001b[31m", "\\u007f", "\\u0085", "\\u009b",
                    "\\u202e", "\\udb40\\udc41", "\\ud800", "\\udc00x", "\\ufffe", "\\uffff")) {
                add(where + " " + field + " with " + bad, json(b.method(), b.path(),
                        bytes(b.with(field, str("a" + bad + "b")))), Expect.PROBLEM, field);
            }
            add(where + " " + field + " with raw control", json(b.method(), b.path(),
                    bytes(b.with(field, "\"a\u0001b\""))), Expect.PROBLEM, field);
            for (String lineBreak : List.of("\\n", "\\t", "\\r\\n", "\\u2028")) {
                add(where + " " + field + " with " + lineBreak, json(b.method(), b.path(),
                        bytes(b.with(field, str("a" + lineBreak + "b")))), multiline ? Expect.ANSWER : Expect.PROBLEM,
                        multiline ? null : field);
            }
        }
        // Whitespace-only required text.
        for (String field : b.requiredText()) {
            for (String blank : List.of("", " ", "\\u00a0", "\\u0085", "\\u3000", "\\u200b", "\\u3164", "\\ufeff",
                    "\\u2007\\u202f", "\\t\\n")) {
                add(where + " " + field + " blank " + blank, json(b.method(), b.path(), bytes(b.with(field, str(blank)))),
                        Expect.PROBLEM, field);
            }
            add(where + " " + field + " null", json(b.method(), b.path(), bytes(b.with(field, "null"))), Expect.PROBLEM,
                    field);
        }
        // Lengths in code points.
        for (String field : b.text()) {
            add(where + " " + field + " 20000 characters", json(b.method(), b.path(),
                    bytes(b.with(field, str("x".repeat(20000))))), Expect.PROBLEM, field);
            add(where + " " + field + " 17000 emoji", json(b.method(), b.path(),
                    bytes(b.with(field, str("\uD83D\uDD25".repeat(17000))))), Expect.PROBLEM, field);
        }
        // Nesting and odd shapes.
        add(where + " deep object", json(b.method(), b.path(), bytes(valid.replaceFirst("\\{", "{\"deep\":"
                + "{\"a\":".repeat(100) + "1" + "}".repeat(100) + ","))), Expect.PROBLEM, "body");
        add(where + " deep array", json(b.method(), b.path(), bytes(valid.replaceFirst("\\{", "{\"deep\":"
                + "[".repeat(5000) + "]".repeat(5000) + ","))), Expect.PROBLEM, "body");
        add(where + " long field name", json(b.method(), b.path(), bytes(valid.replaceFirst("\\{", "{\"" + "n".repeat(5000)
                + "\":1,"))), Expect.PROBLEM, "body");
        add(where + " unknown field", json(b.method(), b.path(), bytes(valid.replaceFirst("\\{", "{\"unknownField\":1,"))),
                b.path().contains("alertmanager") ? Expect.ANSWER : Expect.PROBLEM,
                b.path().contains("alertmanager") ? null : "unknownField");
        for (String shape : List.of("", " ", "null", "[]", "\"text\"", "0", "true", "{}", "[" + valid + "]", "{\"\":1}",
                "{,}", "{\"a\" 1}", "{'a':1}", "{\"a\":1,}", "/* c */" + valid, "{\"a\":01}", "{\"a\":-}", "{\"a\":.5}")) {
            add(where + " body " + printable(shape), json(b.method(), b.path(), bytes(shape)), Expect.PROBLEM);
        }
        // Media types.
        for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "application/json; charset=iso-8859-1", "application/json; charset=utf-16",
                "application/json;;", "application/json; charset=", "*/*", "application", "\u00e9/json", "application/json\u0001")) {
            add(where + " Content-Type " + printable(type), request(b.method(), b.path()).header("Content-Type: " + type)
                    .header("Accept: application/json").body(bytes(valid)),
                    type.contains("\u0001") ? Expect.DECODER : Expect.ANSWER);
        }
        add(where + " no Content-Type", request(b.method(), b.path()).body(bytes(valid)), Expect.ANSWER);
        for (String accept : List.of("text/html", "application/xml", "*/*;q=abc", ";;;", "", "application/json;q=0",
                "image/png, text/csv", "application/problem+json", "text/markdown;q=0.1, application/json;q=0.9",
                "a".repeat(3000), String.join(",", java.util.Collections.nCopies(300, "text/x-a;q=0.1")))) {
            add(where + " Accept " + printable(accept), request(b.method(), b.path()).header("Content-Type: application/json")
                    .header("Accept: " + accept).body(bytes(valid)), Expect.ANSWER);
        }
        // Bodies over the limit: declared, and chunked (read until the limit).
        add(where + " Content-Length over the limit", request(b.method(), b.path()).header("Content-Type: application/json")
                .header("Content-Length: 70000").noContentLength(), Expect.PROBLEM);
        add(where + " chunked over the limit", json(b.method(), b.path(), bytes(valid.replaceFirst("\\{", "{\"pad\":\""
                + "p".repeat(66_000) + "\","))).chunked(4096), Expect.PROBLEM);
        add(where + " chunked", json(b.method(), b.path(), bytes(valid)).chunked(7), Expect.ANSWER);
        add(where + " bad chunk size", json(b.method(), b.path(), new byte[0]).noContentLength()
                .header("Transfer-Encoding: chunked").body(bytes("zz\r\n" + valid + "\r\n0\r\n\r\n")), Expect.MAY_CLOSE);
        add(where + " chunk size overflow", json(b.method(), b.path(), new byte[0]).noContentLength()
                .header("Transfer-Encoding: chunked").body(bytes("fffffffffffffffff\r\nx\r\n0\r\n\r\n")), Expect.MAY_CLOSE);
    }

    private void httpLayerCases(String incidentId) {
        List<String> paths = List.of("/api/v1/incidents", "/api/v1/incidents/" + incidentId,
                "/api/v1/incidents/" + incidentId + "/prompt", "/api/v1/prompts", "/api/v1/playbooks",
                "/api/v1/playbooks/connection-refused", "/api/v1/alerts/alertmanager", "/api/v1/diagnostics",
                "/api/v1/diagnostics/prompt", "/api/v1/admin/maintenance", "/api/v1/admin/circuit-breakers/database/reset",
                "/api/v1/admin/circuit-breakers/nope/reset", "/", "/api", "/api/v1");
        // Method confusion: every method on every path (write methods with an empty JSON object).
        for (String path : paths) {
            for (String method : List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND",
                    "FOO", "get")) {
                RawHttp.Builder r = request(method, path);
                if (Set.of("POST", "PUT", "PATCH").contains(method)) {
                    r.header("Content-Type: application/json").body(bytes("{}"));
                }
                boolean harmless = (method.equals("DELETE") && path.endsWith("connection-refused"))
                        || (method.equals("POST") && path.endsWith("database/reset"));
                if (harmless) {
                    continue; // would delete a seeded playbook or reset the breaker: valid, not hostile
                }
                add(method + " " + path, r, method.equals("get") || method.equals("FOO") ? Expect.ANSWER : Expect.ANSWER);
            }
            add("override " + path, request("GET", path).header("X-HTTP-Method-Override: DELETE"), Expect.ANSWER);
        }
        // Ids and path traversal.
        for (String id : List.of("..", "../..", "..%2f..%2fetc%2fpasswd", "%2e%2e%2f%2e%2e", "%252e%252e", "%00", "a%00b",
                "%2F", ";jsessionid=1", "x;y=z", "%ff%fe", "%C0%AF", "%E2%80%AE", "x".repeat(3000), "%zz", "%", "%G1",
                "{id}", "a|b", "a%20b", "1-1-1-1-1", "00000000-0000-0000-0000-000000000000", "-1", "9".repeat(40),
                "%E2%9C%93", "incident%0d%0aSet-Cookie:x=1", "~root", "*", "%5c..%5c", "\\..\\")) {
            for (String template : List.of("/api/v1/incidents/%s", "/api/v1/incidents/%s/prompt", "/api/v1/playbooks/%s",
                    "/api/v1/admin/circuit-breakers/%s/reset")) {
                String target = String.format(template, id);
                String method = template.startsWith("/api/v1/playbooks") ? "DELETE"
                        : template.endsWith("/reset") ? "POST" : "GET";
                add(method + " id " + printable(id) + " " + template, request(method, target),
                        target.contains("\\") ? Expect.ANSWER : Expect.ANSWER);
            }
            add("PATCH id " + printable(id), json("PATCH", "/api/v1/incidents/" + id, bytes("{\"notes\":\"x\"}"))
                    .header("If-Match: \"1\""), Expect.ANSWER);
            add("PUT playbook id " + printable(id), json("PUT", "/api/v1/playbooks/" + id, bytes("{}")), Expect.ANSWER);
        }
        // Query parameters of the list.
        for (String query : List.of("cursor=garbage", "cursor=" + "A".repeat(3900), "cursor=%zz", "cursor=MTox",
                "cursor=LTE6eA", "cursor=OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTo0", "cursor=", "cursor={}", "cursor=%00",
                "cursor=" + b64("1:00000000-0000-0000-0000-000000000000"), "cursor=" + b64("-9223372036854775808:x"),
                "cursor=" + b64("99999999999999999999:00000000-0000-0000-0000-000000000000"), "cursor=a+b/c==",
                "limit=-1", "limit=0", "limit=101", "limit=1e3", "limit=abc", "limit=99999999999999999999", "limit=",
                "limit=1.5", "limit=%20%205", "limit=1&limit=2", "status=bogus", "status=OPEN", "urgency=%00",
                "environment=" + "e".repeat(2000), "status=open&urgency=high&environment=production&limit=1",
                "unknown=1", "a=%", "%=1", "&&&", "status[]=open", "limit=1;drop%20table%20incidents")) {
            add("list ?" + printable(query), request("GET", "/api/v1/incidents?" + query), Expect.ANSWER);
        }
        for (String category : List.of("bogus", "", "%00", "x".repeat(2000), "service-down", "SERVICE-DOWN", "%zz",
                "{", "a|b")) {
            add("diagnostics prompt ?category=" + printable(category),
                    request("GET", "/api/v1/diagnostics/prompt?category=" + category), Expect.ANSWER);
        }
        // If-Match and Idempotency-Key.
        for (String ifMatch : List.of("", "*", "W/\"1\"", "\"999\"", "garbage", "\"1\", garbage", "x".repeat(5000),
                "\"\u00e9\"", "\"1", "1\"", ",,,", "\"-1\"", "\"99999999999999999999\"")) {
            add("If-Match " + printable(ifMatch), json("PATCH", "/api/v1/incidents/" + incidentId,
                    bytes("{\"notes\":\"if-match\"}")).header("If-Match: " + ifMatch), Expect.ANSWER);
        }
        for (String key : List.of("", " ", "k".repeat(201), "k".repeat(5000), "cl\u00e9", "\u00e9\u00e8\u00e0", "a b",
                "alertmanager:fuzzfp:2024-01-01T00:00:00Z", "key\u0001", "\"quoted\"", "../../x", "k%00k")) {
            add("Idempotency-Key " + printable(key), json("POST", "/api/v1/incidents",
                    bytes(object(context("Idempotency fuzz"))))
                    .header("Idempotency-Key: " + key), key.contains("\u0001") ? Expect.DECODER : Expect.ANSWER);
        }
        for (String id : List.of("x".repeat(500), "\u00e9t\u00e9", "a b", "<script>", "00-" + "f".repeat(32) + "-"
                + "0".repeat(16) + "-01")) {
            add("X-Request-Id " + printable(id), request("GET", "/api/v1/playbooks").header("X-Request-Id: " + id),
                    Expect.ANSWER);
            add("traceparent " + printable(id), request("GET", "/api/v1/playbooks").header("traceparent: " + id),
                    Expect.ANSWER);
        }
        // Host and HTTP version.
        for (String path : List.of("/api/v1/incidents?limit=1", "/api/v1/playbooks", "/api/v1/incidents/" + incidentId,
                "/api/v1/diagnostics", "/api/v1/incidents/" + incidentId + "/prompt")) {
            add("HTTP/1.0 without Host " + path, request("GET", path).version("HTTP/1.0").withoutHeader("Host"),
                    Expect.ANSWER);
            add("HTTP/1.1 without Host " + path, request("GET", path).withoutHeader("Host"), Expect.PROBLEM);
            for (String host : List.of("", "a b", "[::1", "x:99999", "evil.example.com", "%zz", "\u00e9.example")) {
                add("Host " + printable(host) + " " + path, request("GET", path).withoutHeader("Host")
                        .header("Host: " + host), Expect.ANSWER);
            }
            add("two Host headers " + path, request("GET", path).header("Host: other"), Expect.ANSWER);
        }
        add("HTTP/1.0 POST without Host", json("POST", "/api/v1/incidents", bytes(object(context("HTTP/1.0"))))
                .version("HTTP/1.0").withoutHeader("Host"), Expect.ANSWER);
        // Sizes.
        add("URI over Triage's limit", request("GET", "/api/v1/incidents?cursor=" + "a".repeat(5000)), Expect.PROBLEM);
        add("path over Triage's limit", request("GET", "/api/v1/" + "p".repeat(5000)), Expect.PROBLEM);
        add("URI over the decoder's ceiling", request("GET", "/api/v1/incidents?cursor=" + "a".repeat(70_000)),
                Expect.DECODER);
        add("headers over Triage's limit", request("GET", "/api/v1/playbooks").header("X-Big: " + "h".repeat(30_000)),
                Expect.PROBLEM);
        add("many headers over Triage's limit", request("GET", "/api/v1/playbooks")
                .headers(java.util.stream.IntStream.range(0, 500).mapToObj(i -> "X-H" + i + ": " + "v".repeat(50)).toList()),
                Expect.PROBLEM);
        add("headers over the decoder's ceiling", request("GET", "/api/v1/playbooks").header("X-Big: " + "h".repeat(70_000)),
                Expect.DECODER);
        // Not HTTP, or broken framing: the decoder's.
        for (String raw : List.of("GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
                "GET / FOO/1.1\r\nHost: x\r\n\r\n", "GET /api/v1/playbooks HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n",
                "GET /api/v1/playbooks HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n",
                "POST /api/v1/prompts HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                "POST /api/v1/prompts HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
                "POST /api/v1/prompts HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                "GET /api/v1/playbooks HTTP/1.1\r\nHost: x\r\nX: a\u0000b\r\n\r\n", "\u0016\u0003\u0001\u0000\u00a5\u0001\r\n\r\n",
                "GET /api/v1/play books HTTP/1.1\r\nHost: x\r\n\r\n", "GET /api/v1/\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n",
                "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")) {
            cases.add(new Case("raw " + printable(raw), raw.getBytes(StandardCharsets.UTF_8), Expect.DECODER, null));
        }
        // Both framings at once (request smuggling): the decoder refuses it.
        add("smuggling CL and TE", request("POST", "/api/v1/prompts").header("Content-Type: application/json")
                .header("Content-Length: 4").header("Transfer-Encoding: chunked").noContentLength()
                .body(bytes("2\r\n{}\r\n0\r\n\r\n")), Expect.DECODER);
        add("Expect: 100-continue over the limit", request("POST", "/api/v1/prompts").header("Content-Type: application/json")
                .header("Expect: 100-continue").header("Content-Length: 100000").noContentLength(), Expect.PROBLEM);
        add("Expect: garbage chunked", json("POST", "/api/v1/prompts", bytes(object(context("expect"))))
                .header("Expect: garbage").chunked(64), Expect.ANSWER);
        // A broken HTTP/2 upgrade (two Connection headers) is refused by Vert.x's upgrade handler.
        add("Upgrade: h2c", request("GET", "/api/v1/playbooks").header("Upgrade: h2c")
                .header("HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA").header("Connection: Upgrade, HTTP2-Settings"),
                Expect.DECODER);
        add("Upgrade: websocket", request("GET", "/api/v1/playbooks").header("Upgrade: websocket")
                .header("Sec-WebSocket-Version: 13").header("Sec-WebSocket-Key: x"), Expect.ANSWER);
    }

    /** 500 distinct made-up paths (and bad encodings, and 405s on them): metric tags must stay bounded. */
    private List<String> randomPathCases() {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String token = "zq" + Long.toHexString(random.nextLong() & Long.MAX_VALUE);
            tokens.add(token);
            String target = switch (i % 10) {
                case 0 -> "/" + token;
                case 1 -> "/api/v1/" + token;
                case 2 -> "/api/v1/incidents/" + token + "/" + token;
                case 3 -> "/api/v1/" + token + "%zz";
                case 4 -> "/api/v1/prompts/" + token;
                case 5 -> "/q/" + token;
                case 6 -> "/api/v1/" + token + "?{";
                case 7 -> "/api/v1/playbooks/" + token + "/x";
                case 8 -> "/api/v1/diagnostics/" + token;
                default -> "/" + token + "/" + token + "/" + token;
            };
            String method = switch (i % 4) {
                case 0 -> "GET";
                case 1 -> "POST";
                case 2 -> "DELETE";
                default -> "PATCH";
            };
            RawHttp.Builder r = request(method, target);
            if (!method.equals("GET") && !method.equals("DELETE")) {
                r.header("Content-Type: application/json").body(bytes("{}"));
            }
            add("random path " + i, r, Expect.ANSWER);
            if (i % 5 == 0) {
                // a 405 on a real path, with a made-up query
                add("405 " + i, request("DELETE", "/api/v1/prompts?" + token + "=1"), Expect.PROBLEM);
            }
        }
        return tokens;
    }

    // ------------------------------------------------------------------------------------------
    // Running and judging.
    // ------------------------------------------------------------------------------------------

    @Test
    void theServiceSurvivesAHostileBarrage() throws Exception {
        Api.awaitMigrations();
        int port = root.getPort();
        String incidentId = Api.createIncident(Api.seedContext()).then().statusCode(201).extract().path("id");
        for (Body body : bodies(incidentId)) {
            jsonBodyCases(body);
        }
        // Every alert field inside the alerts array, too.
        String alertPath = "/api/v1/alerts/alertmanager";
        for (String field : List.of("status", "fingerprint", "startsAt", "labels", "annotations")) {
            String dup = ALERT.substring(0, ALERT.length() - 1) + ",\"" + field + "\":" + "\"x\"}";
            add("alert duplicate " + field, json("POST", alertPath, bytes(alertmanager(dup))), Expect.PROBLEM, field);
            add("alert " + field + "=123", json("POST", alertPath, bytes(alertmanager(ALERT.replaceFirst(
                    "\"" + field + "\":(\"[^\"]*\"|\\{[^}]*\\})", "\"" + field + "\":123")))), Expect.PROBLEM, field);
        }
        add("alerts not an array", json("POST", alertPath, bytes("{\"version\":\"4\",\"alerts\":{}}")), Expect.PROBLEM,
                "alerts");
        httpLayerCases(incidentId);
        List<String> tokens = randomPathCases();

        String password = ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.password", String.class)
                .orElse("");
        List<String> secrets = new ArrayList<>(List.of(Api.ADMIN_TOKEN, Api.WRITER_TOKEN, Api.ALERT_TOKEN, Api.READER_TOKEN));
        if (password.length() >= 6) {
            secrets.add(password);
        }

        LogRecording log = LogRecording.install();
        log.selfCheck();
        List<String> failures = new ArrayList<>();
        Map<String, Integer> statuses = new TreeMap<>();
        int fiveXx = 0;
        int nonProblem4xx = 0;
        int decoderRefusals = 0;
        int closedWithoutAnswer = 0;
        int leaks = 0;
        long started = System.nanoTime();
        try {
            // Four clients at once: faster, and closer to what a hostile client does.
            java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(4);
            List<java.util.concurrent.Future<RawHttp.Reply>> replies = new ArrayList<>();
            for (Case c : cases) {
                replies.add(clients.submit(() -> RawHttp.send(port, c.bytes(), TIMEOUT_MILLIS)));
            }
            clients.shutdown();
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                RawHttp.Reply reply = replies.get(i).get();
                statuses.merge(reply.answered() ? String.valueOf(reply.status()) : "closed", 1, Integer::sum);
                String everything = reply.statusLine() + reply.headers() + reply.body();
                for (String secret : secrets) {
                    if (everything.contains(secret)) {
                        leaks++;
                        failures.add(c.name() + ": a secret in the answer");
                    }
                }
                if (!reply.answered()) {
                    closedWithoutAnswer++;
                    if (c.expect() != Expect.DECODER && c.expect() != Expect.MAY_CLOSE) {
                        failures.add(c.name() + ": no answer (" + reply.failure() + ")");
                    }
                    continue;
                }
                if (reply.status() >= 500) {
                    fiveXx++;
                    failures.add(c.name() + ": " + reply.status() + " " + abbreviate(reply.body()));
                    continue;
                }
                boolean fromTriage = reply.header("x-request-id") != null;
                if (reply.status() >= 400 && !reply.isProblem()) {
                    if (c.expect() == Expect.DECODER && !fromTriage) {
                        decoderRefusals++;
                    } else {
                        nonProblem4xx++;
                        failures.add(c.name() + ": " + reply.status() + " is not problem+json: " + reply.headers());
                    }
                    continue;
                }
                if (c.expect() == Expect.PROBLEM && reply.status() < 400) {
                    failures.add(c.name() + ": expected a 4xx problem, got " + reply.status());
                    continue;
                }
                if (reply.status() >= 400) {
                    checkProblem(c, reply).ifPresent(failures::add);
                }
            }
        } finally {
            log.remove();
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        // Metric tags and the service afterwards.
        String metrics = Api.management().accept("text/plain; version=0.0.4").get("/q/metrics").then().statusCode(200)
                .extract().asString();
        Set<String> uriTags = new TreeSet<>();
        Matcher m = URI_TAG.matcher(metrics);
        while (m.find()) {
            uriTags.add(m.group(1));
        }
        long tokensInMetrics = tokens.stream().filter(metrics::contains).count();
        for (String secret : secrets) {
            if (metrics.contains(secret)) {
                leaks++;
                failures.add("a secret in /q/metrics");
            }
        }
        int ready = Api.management().get("/q/health/ready").statusCode();
        int created = Api.createIncident(Api.seedContext()).statusCode();
        boolean maintenanceOff = given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN)
                .get("/api/v1/admin/maintenance").then().extract().path("enabled").equals(Boolean.FALSE);
        given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).delete("/api/v1/playbooks/fuzz-playbook");

        List<String> errorLines = log.errors();
        List<String> stackTraces = log.stackTraces();
        long secretLines = log.lines().stream().filter(line -> secrets.stream().anyMatch(line::contains)).count();

        System.out.printf("%n[fuzz] %d hostile requests in %.1f s (secrets watched for: %d); answers by status: %s%n", cases.size(), seconds, secrets.size(),
                statuses);
        System.out.printf("[fuzz] 5xx: %d, non-problem 4xx: %d, refused by the HTTP decoder (bare, expected): %d,"
                + " closed without an answer (broken body): %d%n", fiveXx, nonProblem4xx, decoderRefusals,
                closedWithoutAnswer);
        System.out.printf("[fuzz] log lines: %d, ERROR lines: %d, stack traces: %d, secrets in answers: %d,"
                + " secrets in log lines: %d%n", log.lines().size(), errorLines.size(), stackTraces.size(), leaks,
                secretLines);
        System.out.printf("[fuzz] http_server_requests uri tags: %d %s; made-up paths in /q/metrics: %d%n",
                uriTags.size(), uriTags, tokensInMetrics);
        System.out.printf("[fuzz] afterwards: readiness %d, new incident %d, maintenance off %s%n", ready, created,
                maintenanceOff);
        failures.stream().limit(40).forEach(f -> System.out.println("[fuzz] FAILED " + f));
        errorLines.stream().limit(10).forEach(l -> System.out.println("[fuzz] ERROR " + l));
        stackTraces.stream().limit(5).forEach(l -> System.out.println("[fuzz] STACK " + l));

        assertTrue(cases.size() >= 1500, "at least 1,500 hostile requests, not " + cases.size());
        assertEquals(0, fiveXx, "5xx answers");
        assertEquals(0, nonProblem4xx, "4xx answers that are not problem+json");
        assertEquals(List.of(), failures, "every case must be answered as expected");
        assertEquals(List.of(), errorLines, "ERROR lines in the log");
        assertEquals(List.of(), stackTraces, "stack traces in the log");
        assertEquals(0, leaks, "secrets in answers");
        assertEquals(0, secretLines, "secrets in log lines");
        assertTrue(uriTags.size() <= 30, "uri tags stay bounded: " + uriTags);
        assertEquals(0, tokensInMetrics, "no made-up path becomes a metric tag");
        assertEquals(200, ready, "ready afterwards");
        assertEquals(201, created, "writes work afterwards");
        assertTrue(maintenanceOff, "maintenance still off");
    }

    /** A 4xx must be a complete problem, name its field when there is one, and show no internals. */
    private static Optional<String> checkProblem(Case c, RawHttp.Reply reply) {
        String body = reply.body();
        if (c.name().startsWith("HEAD ") && body.isEmpty()) {
            return Optional.empty(); // a HEAD answer has the problem's headers and no body
        }
        for (String key : List.of("\"type\":\"urn:triage:problem:", "\"title\":", "\"status\":" + reply.status(),
                "\"detail\":", "\"requestId\":")) {
            if (!body.contains(key)) {
                return Optional.of(c.name() + ": the problem lacks " + key + ": " + abbreviate(body));
            }
        }
        for (String internal : INTERNALS) {
            if (body.contains(internal)) {
                return Optional.of(c.name() + ": the problem shows internals (" + internal + "): " + abbreviate(body));
            }
        }
        if (c.field() != null && reply.status() == 400) {
            boolean named = body.contains("\"field\":\"" + c.field()) || body.contains("." + c.field() + "\"")
                    || body.contains("/" + c.field() + "\"") || body.contains("\"detail\":\"" + c.field() + ":");
            if (!named) {
                return Optional.of(c.name() + ": the problem does not name " + c.field() + ": " + abbreviate(body));
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------------------------------
    // Helpers.
    // ------------------------------------------------------------------------------------------

    private static String alertmanager(String alert) {
        return "{\"version\":\"4\",\"groupKey\":\"g\",\"status\":\"firing\",\"receiver\":\"triage\",\"alerts\":[" + alert
                + "]}";
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] splice(String text, String marker, byte[] insert) {
        int at = text.indexOf(marker);
        return concat(concat(bytes(text.substring(0, at)), insert), bytes(text.substring(at + marker.length())));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static String hex(byte[] data) {
        StringBuilder text = new StringBuilder();
        for (byte b : data) {
            text.append(String.format("%02X", b));
        }
        return text.toString();
    }

    private static String b64(String text) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(text));
    }

    static String printable(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "...(" + text.length() + ")" : text;
        StringBuilder out = new StringBuilder();
        shown.codePoints().forEach(cp -> out.append(cp >= 0x20 && cp < 0x7F ? String.valueOf((char) cp)
                : String.format("\\u%04x", cp)));
        return out.toString();
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
