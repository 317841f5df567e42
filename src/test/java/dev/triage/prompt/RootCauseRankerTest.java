package dev.triage.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.triage.playbook.Playbook;
import dev.triage.playbook.PlaybookDefaults;

class RootCauseRankerTest {

    private static final List<Playbook> CATALOGUE = PlaybookDefaults.load();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Internal Server Error: Database connection failed | service-down",
            "io.vertx.core.impl.NoStackTraceThrowable: Connection refused: localhost/127.0.0.1:5432 | service-down",
            "FATAL: the database system is starting up (57P03) | service-down",
            "io.vertx.pgclient.PgException: FATAL: sorry, too many clients already (53300) | pool-exhausted",
            "HikariPool-1 - Connection is not available, request timed out after 30000ms. | pool-exhausted",
            "io.vertx.pgclient.PgException: FATAL: password authentication failed for user \"triage\" (28P01) | authentication",
            "FATAL: no pg_hba.conf entry for host \"10.1.2.3\", user \"app\", database \"app\", no encryption | authentication",
            "ERROR: could not extend file \"base/16384/2619\": No space left on device (53100) | resource-exhaustion",
            "ERROR: cannot execute INSERT in a read-only transaction (25006) | read-only",
            "java.net.UnknownHostException: db.internal: Name or service not known | dns",
            "javax.net.ssl.SSLHandshakeException: PKIX path building failed: unable to find valid certification path | tls",
            "ERROR: relation \"incidents\" does not exist (42P01) | schema-mismatch",
            "io.netty.channel.ConnectTimeoutException: connection timed out: db/10.0.0.5:5432 | network",
            "io.vertx.sqlclient.ClosedConnectionException: Failed to read any response from the server | network",
    })
    void theMatchingPlaybookRanksFirst(String errorMessage, String expected) {
        List<RootCauseRanker.Ranked> ranked = RootCauseRanker.rank(context(errorMessage), CATALOGUE).causes();
        assertEquals(expected, ranked.get(0).playbook().id(), () -> "ranking: " + ranked.stream()
                .map(r -> r.playbook().id() + "=" + r.score()).toList());
        assertTrue(ranked.get(0).score() > ranked.get(1).score(), "the first is ahead, not tied");
    }

    @ParameterizedTest(name = "SQLSTATE {0} outranks keywords pointing elsewhere")
    @CsvSource(delimiter = '|', value = {
            "connection refused while the pool timed out (53300) | pool-exhausted",
            "connection failed: timeout, password authentication failed (28P01) | authentication",
    })
    void aSqlStateOutranksKeywords(String errorMessage, String expected) {
        assertEquals(expected, RootCauseRanker.rank(context(errorMessage), CATALOGUE).top().playbook().id());
    }

    @ParameterizedTest(name = "no evidence keeps the catalogue order and says so: {0}")
    @CsvSource(delimiter = '|', value = { "Something is wrong", "java.lang.NullPointerException at OrderService.java:42",
            "Checkout button does nothing" })
    void withoutEvidenceTheCatalogueOrderStands(String errorMessage) {
        RootCauseRanker.Ranking ranking = RootCauseRanker.rank(context(errorMessage), CATALOGUE);
        assertEquals(CATALOGUE.stream().map(Playbook::id).toList(),
                ranking.causes().stream().map(r -> r.playbook().id()).toList());
        assertTrue(ranking.causes().stream().allMatch(r -> r.score() == 0 && r.matched().isEmpty()));
        assertEquals(RootCauseRanker.Confidence.NONE, ranking.confidence());
    }

    @ParameterizedTest(name = "generic words are a weak match, not a finding: {0}")
    @CsvSource(delimiter = '|', value = {
            "Internal Server Error: Database connection failed | service-down",
            "the request timed out | network",
            "Error: timeout | network" })
    void genericWordsAreWeak(String errorMessage, String first) {
        RootCauseRanker.Ranking ranking = RootCauseRanker.rank(context(errorMessage), CATALOGUE);
        assertEquals(first, ranking.top().playbook().id());
        assertEquals(RootCauseRanker.Confidence.WEAK, ranking.confidence(), () -> ranking.top().matched().toString());
        assertTrue(ranking.top().score() > 0 && !ranking.top().matched().isEmpty());
    }

    @org.junit.jupiter.api.Test
    void whatMatchedIsReportedPerRule() {
        RootCauseRanker.Ranked top = RootCauseRanker.rank(context(
                "psycopg.errors.DeadlockDetected: deadlock detected (SQLSTATE 40P01)"), CATALOGUE).top();
        assertEquals("deadlock", top.playbook().id());
        assertTrue(top.matched().containsAll(List.of("SQLSTATE 40P01", "exception DeadlockDetected",
                "\"deadlock detected\"")), top.matched()::toString);
        assertEquals(RootCauseRanker.SQLSTATE_WEIGHT + RootCauseRanker.EXCEPTION_WEIGHT
                + 2 * RootCauseRanker.KEYWORD_WEIGHT + RootCauseRanker.KEYWORD_WEIGHT, top.score(), top.matched()::toString);
    }

    @ParameterizedTest(name = "a bare number is a database error code only where that database is meant: {0}")
    @CsvSource(delimiter = '|', value = { "mysql | lock-contention", "postgresql | none" })
    void numericCodesNeedTheirDatabase(String database, String expected) {
        IncidentContext c = new IncidentContext("API failing", "error 1205 while saving", null, null, null, null, null,
                null, DatabaseKind.fromId(database), null, null).withDefaults();
        RootCauseRanker.Ranked top = RootCauseRanker.rank(c, CATALOGUE).top();
        assertEquals(expected, top.score() == 0 ? "none" : top.playbook().id(), top.matched()::toString);
    }

    @org.junit.jupiter.api.Test
    void theCompiledRulesFollowTheCatalogue() {
        List<Playbook> one = List.of(CATALOGUE.get(0));
        assertEquals(1, RootCauseRanker.rank(context("x"), one).causes().size());
        assertEquals(CATALOGUE.size(), RootCauseRanker.rank(context("x"), CATALOGUE).causes().size());
    }

    @ParameterizedTest(name = "a SQLSTATE inside a longer number does not count")
    @CsvSource({ "order 1533001 failed" })
    void sqlStatesMatchWholeWordsOnly(String errorMessage) {
        assertEquals(0, RootCauseRanker.rank(context(errorMessage), CATALOGUE).causes().stream()
                .filter(r -> r.playbook().id().equals("pool-exhausted")).findFirst().orElseThrow().score());
    }

    private static IncidentContext context(String errorMessage) {
        return new IncidentContext("API failing", errorMessage, null, null, null, null, null, null, null, null, null)
                .withDefaults();
    }
}
