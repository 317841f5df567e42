package dev.triage.prompt;

import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class PromptApiTest {

    /** The seed's outline, in order: every heading of the document Triage must produce. */
    private static final List<String> SEED_OUTLINE = List.of(
            "# Debugging Prompt: .+",
            "## Issue Context",
            "## Debugging Strategy",
            "### 1\\. Immediate Assessment",
            "### 2\\. Diagnostic Steps",
            "#### Step 1: Verify Database Service Status",
            "#### Step 2: Check Database Connection Parameters",
            "#### Step 3: Review Application Logs",
            "#### Step 4: Test Database Connectivity",
            "### 3\\. Common Root Causes",
            "#### A\\. .+", "#### B\\. .+", "#### C\\. .+", "#### D\\. .+", "#### E\\. .+",
            "### 4\\. Immediate Mitigation Steps",
            "### 5\\. Long-term Solutions",
            "#### A\\. Connection Pooling",
            "#### B\\. Health Checks",
            "#### C\\. Retry Logic with Exponential Backoff",
            "#### D\\. Monitoring and Alerting",
            "### 6\\. Log Analysis Checklist",
            "### 7\\. Prevention Checklist",
            "### 8\\. Emergency Rollback Plan",
            "## Next Steps",
            "## Additional Resources");

    @Test
    void seedContextProducesEverySectionOfTheSeedInOrder() {
        String md = markdown(Api.seedContext());
        List<String> headings = headings(md);
        assertEquals(SEED_OUTLINE.size(), headings.size(), () -> "headings: " + headings);
        for (int i = 0; i < SEED_OUTLINE.size(); i++) {
            assertTrue(headings.get(i).matches(SEED_OUTLINE.get(i)), "heading " + i + ": " + headings.get(i));
        }
        // The five root causes of the seed, in its order, when the message points at nothing more specific.
        assertEquals(List.of("#### A. Database Service Down", "#### B. Connection Pool Exhausted",
                "#### C. Network Issues", "#### D. Authentication Failures", "#### E. Resource Exhaustion"),
                headings.subList(10, 15));
        for (String field : List.of("Issue Description**: API returning 500 errors",
                "Error Message**: Internal Server Error: Database connection failed", "Environment**: production",
                "Language**: Python", "Urgency**: critical", "Include Logs**: true", "Include Solutions**: true")) {
            assertTrue(md.contains("- **" + field), "context field " + field);
        }
        assertEquals(5, count(md, "- **Symptom**:"));
        assertEquals(5, count(md, "- **Solution**"));
        assertEquals(5, count(md, "- **Prevention**:"));
        for (String action : List.of("1. **Check Database Health**", "2. **Review Connection Pool Configuration**",
                "3. **Enable Detailed Logging**", "4. **Implement Circuit Breaker Pattern**")) {
            assertTrue(md.contains(action), action);
        }
        String logChecklist = section(md, "### 6. Log Analysis Checklist", "### 7.");
        String preventionChecklist = section(md, "### 7. Prevention Checklist", "### 8.");
        assertEquals(5, count(logChecklist, "- [ ] "));
        assertEquals(10, count(preventionChecklist, "- [ ] "));
        assertTrue(md.contains("1. **Immediate**:") && md.contains("4. **Long-term**:"));
        assertTrue(md.contains("\n---\n\n**Note**:"), "closing note");
        assertTrue(md.contains("```python\n") && md.contains("import psycopg"), "python code with psycopg");
        assertTrue(md.contains("Critical production incident"), "tone of a critical production issue");
    }

    @Test
    void languageChoosesTheCode() {
        Map<String, String> expected = Map.of("java", "DriverManager", "go", "pgx", "javascript", "require(\"pg\")",
                "typescript", "from \"pg\"", "ruby", "PG.connect", "csharp", "Npgsql", "php", "pgsql:",
                "rust", "tokio_postgres", "other", "psql");
        expected.forEach((language, driver) -> {
            String md = markdown(with("language", language));
            String fence = language.equals("other") ? "bash" : language;
            String connectivity = section(md, "#### Step 4: Test Database Connectivity", "### 3.");
            assertTrue(connectivity.contains("```" + fence + "\n"), language + " fence");
            assertTrue(connectivity.contains(driver) || connectivity.contains(driver.replace('"', '\'')),
                    language + " connectivity test uses " + driver);
            String retry = section(md, "#### C. Retry Logic with Exponential Backoff", "#### D.");
            assertTrue(retry.contains("```" + fence + "\n"), language + " retry helper");
            assertFalse(md.contains("import psycopg"), language + " prompt has no python");
        });
    }

    @Test
    void databaseChoosesTheCommands() {
        assertTrue(section(markdown(with("database", "mysql")), "#### Step 1", "#### Step 2").contains("mysqladmin"));
        assertTrue(section(markdown(with("database", "redis")), "#### Step 1", "#### Step 2").contains("redis-cli"));
        assertTrue(section(markdown(with("database", "mongodb")), "#### Step 1", "#### Step 2").contains("mongosh"));
        String postgres = markdown(with("database", "postgresql"));
        assertTrue(section(postgres, "#### Step 1", "#### Step 2").contains("pg_isready"));
        assertTrue(section(markdown(with("database", "mysql")), "#### A.", "#### B.").contains("mysql"),
                "root-cause commands follow the database too");
    }

    @Test
    void withoutLogsTheLogSectionsGoAndTheRestIsRenumbered() {
        String md = markdown(with("includeLogs", false));
        assertFalse(md.contains("Review Application Logs"));
        assertFalse(md.contains("Log Analysis Checklist"));
        assertFalse(md.contains("Enable Detailed Logging"));
        assertTrue(md.contains("#### Step 3: Test Database Connectivity"));
        assertTrue(md.contains("### 6. Prevention Checklist"));
        assertTrue(md.contains("### 7. Emergency Rollback Plan"));
    }

    @Test
    void withoutSolutionsOnlyDiagnosisRemains() {
        String md = markdown(with("includeSolutions", false));
        assertFalse(md.contains("**Solution**"));
        assertFalse(md.contains("**Prevention**"));
        assertFalse(md.contains("Long-term Solutions"));
        assertFalse(md.contains("Prevention Checklist"));
        assertEquals(5, count(md, "- **Symptom**:"));
        assertTrue(md.contains("### 5. Log Analysis Checklist"));
        assertTrue(md.contains("### 6. Emergency Rollback Plan"));
    }

    @Test
    void onlyProductionGetsARollbackPlan() {
        for (String environment : List.of("staging", "development", "test")) {
            String md = markdown(with("environment", environment));
            assertFalse(md.contains("Emergency Rollback Plan"), environment);
            assertTrue(md.contains("- **Environment**: " + environment));
        }
    }

    @Test
    void urgencySetsTheToneOfTheAssessment() {
        String low = section(markdown(with("urgency", "low")), "### 1.", "### 2.");
        String critical = section(markdown(with("urgency", "critical")), "### 1.", "### 2.");
        assertTrue(low.contains("**Low-urgency production issue**"), low);
        assertTrue(low.contains("when convenient"));
        assertTrue(critical.contains("**Critical production incident: act now**"), critical);
        assertTrue(critical.contains("Restore service first"));
        String staging = section(markdown(with("environment", "staging")), "### 1.", "### 2.");
        assertTrue(staging.contains("Production users are not affected"), staging);
    }

    @Test
    void aSqlStateInTheMessageRanksItsCauseFirst() {
        String md = markdown(with("errorMessage", "io.vertx.pgclient.PgException: FATAL: sorry, too many clients already (53300)"));
        assertTrue(md.contains("#### A. Connection Pool Exhausted"), section(md, "### 3.", "### 4."));
        assertTrue(md.startsWith("# Debugging Prompt: API returning 500 errors - Connection Pool Exhausted"));
    }

    @Test
    void whenNothingMatchesThePromptSaysSoAndPresentsNoFinding() {
        Map<String, Object> context = with("errorMessage", "Checkout button does nothing");
        context.put("issueDescription", "Checkout is broken");
        String md = markdown(context);
        assertTrue(md.startsWith("# Debugging Prompt: Checkout is broken\n"), "no cause in the title");
        String assessment = section(md, "### 1.", "### 2.");
        assertTrue(assessment.contains("No known cause matches this error"), assessment);
        assertFalse(assessment.contains("Likely cause"), assessment);
        assertEquals(List.of("#### A. Database Service Down", "#### B. Connection Pool Exhausted",
                "#### C. Network Issues", "#### D. Authentication Failures", "#### E. Resource Exhaustion"),
                headings(md).subList(10, 15), "the default order");
        assertFalse(md.contains("- **Matched**"));
        JsonPath json = json(context);
        assertEquals("none", json.getString("match.confidence"));
        assertEquals(0, json.getInt("match.score"));
        assertEquals(List.of(), json.getList("match.matched"));
        assertEquals(List.of(0, 0, 0, 0, 0), json.getList("sections[2].rootCauses.score"));
    }

    @Test
    void aWeakMatchIsNamedAsWeak() {
        String md = markdown(Api.seedContext());
        String assessment = section(md, "### 1.", "### 2.");
        assertTrue(assessment.contains("No clear cause yet") && assessment.contains("\"connection failed\""), assessment);
        assertTrue(md.startsWith("# Debugging Prompt: API returning 500 errors\n"), "a weak match is no finding");
        JsonPath json = json(Api.seedContext());
        assertEquals("weak", json.getString("match.confidence"));
        assertEquals("service-down", json.getString("match.playbookId"));
        assertEquals(20, json.getInt("match.score"));
        assertEquals(List.of("\"connection failed\""), json.getList("match.matched"));
        assertEquals(40, json.getInt("match.strongFrom"));
    }

    @Test
    void aStrongMatchIsAFindingAndSaysWhatMatched() {
        Map<String, Object> context = with("errorMessage",
                "psycopg.errors.DeadlockDetected: deadlock detected (SQLSTATE 40P01)");
        String md = markdown(context);
        assertTrue(md.contains("#### A. Deadlocks and Serialization Failures\n- **Matched** (score 170): SQLSTATE 40P01,"
                + " exception DeadlockDetected"), section(md, "### 3.", "### 4."));
        assertTrue(section(md, "### 1.", "### 2.").contains("**Likely cause: deadlocks and serialization failures**"));
        assertTrue(md.startsWith("# Debugging Prompt: API returning 500 errors - Deadlocks and Serialization Failures"));
        JsonPath json = json(context);
        assertEquals("strong", json.getString("match.confidence"));
        assertEquals("deadlock", json.getString("match.playbookId"));
        assertEquals(170, json.getInt("match.score"));
        assertTrue(json.getList("match.matched").contains("SQLSTATE 40P01"));
        assertEquals(json.getList("match.matched"), json.getList("sections[2].rootCauses[0].matched"));
        assertEquals(List.of(), json.getList("sections[2].rootCauses[4].matched"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}/{1}: {3}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "mongodb | python | pymongo.errors.ServerSelectionTimeoutError: localhost:27017: [Errno 111] Connection refused | Database Service Down",
            "postgresql | python | psycopg.errors.DeadlockDetected: deadlock detected (SQLSTATE 40P01) | Deadlocks and Serialization Failures",
            "postgresql | java | ERROR: canceling statement due to statement timeout | Slow Queries and Statement Timeouts",
            "mysql | go | Error 1205 (HY000): Lock wait timeout exceeded; try restarting transaction | Lock Contention and Lock Timeouts",
            "postgresql | java | java.lang.OutOfMemoryError: Java heap space | Application Memory Exhaustion (heap OOM, OOMKilled)",
            "postgresql | javascript | HTTP 429 Too Many Requests | Rate Limiting and Quotas (429)",
            "redis | typescript | Last State: Terminated, Reason: OOMKilled, Exit Code: 137 | Application Memory Exhaustion (heap OOM, OOMKilled)",
    })
    void theIssuesExamplesRankTheirCauseFirst(String database, String language, String error, String cause) {
        Map<String, Object> context = with("errorMessage", error);
        context.put("database", database);
        context.put("language", language);
        String md = markdown(context);
        assertTrue(md.contains("#### A. " + cause + "\n"), section(md, "### 3.", "### 4."));
        assertTrue(section(md, "### 1.", "### 2.").contains("**Likely cause: " + cause.toLowerCase(java.util.Locale.ROOT)));
    }

    @Test
    void aMongoDbPythonPromptUsesPyMongoAndNoPostgreSqlClient() {
        Map<String, Object> context = with("database", "mongodb");
        context.put("errorMessage", "pymongo.errors.ServerSelectionTimeoutError: localhost:27017: [Errno 111] Connection refused");
        String md = markdown(context);
        String connectivity = section(md, "#### Step 4: Test Database Connectivity", "### 3.");
        assertTrue(connectivity.contains("from pymongo import MongoClient") && connectivity.contains("(PyMongo)"), connectivity);
        assertFalse(md.contains("psycopg"), "no psycopg anywhere in a MongoDB prompt");
        assertFalse(md.contains("psql "), "no psql commands in a MongoDB prompt");
        assertTrue(section(md, "#### C. Retry Logic with Exponential Backoff", "#### D.").contains("RETRYABLE_CODES"));
        assertTrue(md.contains("Use MongoClient's built-in pool"));
    }

    @Test
    void jsonCarriesTheSameSectionsAsTheMarkdown() {
        Map<String, Object> context = Api.seedContext();
        String md = markdown(context);
        JsonPath json = Api.reader().contentType(ContentType.JSON).accept(ContentType.JSON).body(context)
                .post("/api/v1/prompts").then().statusCode(200).contentType(ContentType.JSON).extract().jsonPath();
        List<String> fromJson = new ArrayList<>();
        List<Map<String, Object>> sections = json.getList("sections");
        for (Map<String, Object> s : sections) {
            fromJson.add("### " + s.get("number") + ". " + s.get("title"));
        }
        List<String> fromMarkdown = headings(md).stream().filter(h -> h.matches("### \\d+\\. .+")).toList();
        assertEquals(fromMarkdown, fromJson);
        assertEquals(7, json.getList("context").size());
        List<String> causes = json.getList("sections[2].rootCauses.title");
        for (int i = 0; i < causes.size(); i++) {
            assertTrue(md.contains("#### " + (char) ('A' + i) + ". " + causes.get(i)));
        }
        assertEquals("python", json.getString("sections[1].items[3].code.language"));
        assertTrue(md.contains(json.getString("sections[1].items[3].code.source")));
    }

    @Test
    void markdownIsTheDefaultAndOtherFormatsAre406() {
        Api.reader().contentType(ContentType.JSON).body(Api.seedContext()).post("/api/v1/prompts").then().statusCode(200)
                .contentType(startsWith("text/markdown"));
        Api.reader().contentType(ContentType.JSON).accept("text/html").body(Api.seedContext()).post("/api/v1/prompts")
                .then().statusCode(406).contentType("application/problem+json");
    }

    @Test
    void theAcceptedDatabasesAndLanguagesComeFromTheDataAndTheOpenApiDocumentListsThem() {
        Api.reader().contentType(ContentType.JSON).body(with("database", "cassandra")).post("/api/v1/prompts").then()
                .statusCode(400).contentType("application/problem+json")
                .body(org.hamcrest.Matchers.containsString("postgresql, mysql, mongodb, redis, other"));
        io.restassured.RestAssured.given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("components.schemas.DatabaseKind.enum", org.hamcrest.Matchers.equalTo(
                        List.of("postgresql", "mysql", "mongodb", "redis", "other")))
                .body("components.schemas.Language.enum", org.hamcrest.Matchers.hasItems("python", "csharp", "other"))
                .body("components.schemas.Language.type", org.hamcrest.Matchers.equalTo("string"));
    }

    @Test
    void anInvalidContextIsA400NamingTheField() {
        Api.reader().contentType(ContentType.JSON).body(Map.of("errorMessage", "x")).post("/api/v1/prompts").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("issueDescription"));
    }

    static JsonPath json(Map<String, Object> context) {
        return Api.reader().contentType(ContentType.JSON).accept(ContentType.JSON).body(context).post("/api/v1/prompts")
                .then().statusCode(200).contentType(ContentType.JSON).extract().jsonPath();
    }

    static String markdown(Map<String, Object> context) {
        return Api.reader().contentType(ContentType.JSON).accept("text/markdown").body(context).post("/api/v1/prompts")
                .then().statusCode(200).contentType(startsWith("text/markdown")).extract().asString();
    }

    private static Map<String, Object> with(String field, Object value) {
        Map<String, Object> context = new HashMap<>(Api.seedContext());
        context.put(field, value);
        return context;
    }

    /** Markdown headings outside fenced code blocks. */
    static List<String> headings(String md) {
        List<String> headings = new ArrayList<>();
        boolean inCode = false;
        for (String line : md.split("\n")) {
            if (line.strip().startsWith("```")) {
                inCode = !inCode;
            } else if (!inCode && line.startsWith("#")) {
                headings.add(line);
            }
        }
        assertFalse(inCode, "every code fence is closed");
        return headings;
    }

    static String section(String md, String from, String to) {
        int start = md.indexOf(from);
        assertTrue(start >= 0, "missing " + from);
        int end = md.indexOf(to, start + from.length());
        return end < 0 ? md.substring(start) : md.substring(start, end);
    }

    private static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
