package dev.triage.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.triage.database.embedded.EmbeddedPostgres;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;

/**
 * The classifier against failures captured from a real PostgreSQL and the real Vert.x client:
 * each test makes the failure happen (refused, timed out, bad password, no slots, cancelled,
 * locked, read-only, pool timeout, killed session) and checks the category it gets.
 */
class FailureClassifierTest {

    private static final String PASSWORD = "classifier-test";
    private static EmbeddedPostgres server;
    private static Vertx vertx;
    private final FailureClassifier classifier = new FailureClassifier();

    @BeforeAll
    static void start() {
        server = EmbeddedPostgres.start(PASSWORD, Map.of());
        server.adminExecute("CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY)",
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'limited') THEN"
                        + " CREATE ROLE limited LOGIN PASSWORD 'limited' CONNECTION LIMIT 0; END IF; END $$",
                "GRANT ALL ON t TO triage");
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        server.close();
    }

    @Test
    void refusedConnectionIsServiceDown() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Throwable failure = fail(pool(options().setPort(closedPort), new PoolOptions()), p -> p.withConnection(c -> c.query("SELECT 1").execute()));
        assertCategory(FailureCategory.SERVICE_DOWN, failure);
        assertInstanceOf(TransientDatabaseException.class, classifier.translate(failure), "refused is retried");
        assertFalse(FailureClassifier.sessionLost(failure), "a refused connect is not a lost session");
    }

    @Test
    void connectTimeoutIsNetworkNotServiceDown() throws Exception {
        // A listener that never accepts, with its backlog full: further SYNs go unanswered, as
        // with a host that drops packets. ConnectTimeoutException extends ConnectException.
        try (ServerSocket blackHole = new ServerSocket()) {
            blackHole.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(blackHole.getLocalSocketAddress(), 200);
                        fillers.add(s);
                    } catch (java.io.IOException full) {
                        s.close();
                        break;
                    }
                }
                Throwable failure = fail(pool(options().setPort(blackHole.getLocalPort()).setConnectTimeout(300),
                        new PoolOptions()), p -> p.withConnection(c -> c.query("SELECT 1").execute()));
                assertTrue(hasCause(failure, ConnectTimeoutException.class), "a real connect timeout: " + failure);
                assertCategory(FailureCategory.NETWORK, failure);
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void wrongPasswordIsAuthenticationAndNotRetried() throws Exception {
        Throwable failure = fail(pool(options().setPassword("wrong"), new PoolOptions()), p -> p.withConnection(c -> c.query("SELECT 1").execute()));
        assertCategory(FailureCategory.AUTHENTICATION, failure);
        RuntimeException translated = classifier.translate(failure);
        assertEquals(DatabaseUnavailableException.class, translated.getClass(), "not transient, counted by the breaker");
        assertTrue(translated.getMessage().contains("28P01"));
        assertTrue(!translated.getMessage().contains("wrong"), "no credential in the description");
    }

    @Test
    void noConnectionSlotIsPoolExhausted() throws Exception {
        Throwable failure = fail(pool(options().setUser("limited").setPassword("limited"), new PoolOptions()),
                p -> p.withConnection(c -> c.query("SELECT 1").execute()));
        assertTrue(String.valueOf(failure.getMessage()).contains("53300"), failure.toString());
        assertCategory(FailureCategory.POOL_EXHAUSTED, failure);
    }

    @Test
    void statementTimeoutIsATimeoutTheBreakerIgnores() throws Exception {
        Throwable failure = fail(pool(options(), new PoolOptions()), p -> p.withConnection(c -> c
                .query("SET statement_timeout = 50").execute()
                .compose(ignored -> c.query("SELECT pg_sleep(2)").execute())));
        assertCategory(FailureCategory.TIMEOUT, failure);
        assertInstanceOf(OperationRefusedException.class, classifier.translate(failure));
    }

    @Test
    void lockTimeoutIsATimeout() throws Exception {
        try (Connection lock = server.admin(); Statement s = lock.createStatement()) {
            lock.setAutoCommit(false);
            s.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
            Throwable failure = fail(pool(options(), new PoolOptions()), p -> p.withConnection(c -> c
                    .query("SET lock_timeout = 50").execute()
                    .compose(ignored -> c.query("SELECT * FROM t").execute())));
            assertTrue(String.valueOf(failure.getMessage()).contains("55P03"), failure.toString());
            assertCategory(FailureCategory.TIMEOUT, failure);
            lock.rollback();
        }
    }

    @Test
    void writeOnReadOnlyIsReadOnlyAndTheBreakerIgnoresIt() throws Exception {
        Throwable failure = fail(pool(options(), new PoolOptions()), p -> p.withConnection(c -> c
                .query("SET default_transaction_read_only = on").execute()
                .compose(ignored -> c.query("INSERT INTO t VALUES (1)").execute())));
        assertCategory(FailureCategory.READ_ONLY, failure);
        assertInstanceOf(OperationRefusedException.class, classifier.translate(failure));
    }

    @Test
    void poolAcquireTimeoutIsPoolExhausted() throws Exception {
        Pool pool = pool(options(), new PoolOptions().setMaxSize(1).setConnectionTimeout(200)
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS));
        SqlConnection held = await(pool.getConnection());
        try {
            Throwable failure = fail(pool, p -> p.withConnection(c -> c.query("SELECT 1").execute()));
            assertCategory(FailureCategory.POOL_EXHAUSTED, failure);
            assertInstanceOf(TransientDatabaseException.class, classifier.translate(failure));
        } finally {
            held.close();
        }
    }

    @Test
    void fullWaitQueueIsPoolExhausted() throws Exception {
        Pool pool = pool(options(), new PoolOptions().setMaxSize(1).setMaxWaitQueueSize(0));
        SqlConnection held = await(pool.getConnection());
        try {
            Throwable failure = fail(pool, p -> p.withConnection(c -> c.query("SELECT 1").execute()));
            assertCategory(FailureCategory.POOL_EXHAUSTED, failure);
        } finally {
            held.close();
        }
    }

    @Test
    void killedSessionIsALostSessionToReplay() throws Exception {
        Pool pool = pool(options().setPipeliningLimit(1), new PoolOptions().setMaxSize(1));
        SqlConnection connection = await(pool.getConnection());
        int pid = await(connection.query("SELECT pg_backend_pid()").execute()).iterator().next().getInteger(0);
        CompletableFuture<?> sleeping = connection.query("SELECT pg_sleep(5)").execute().toCompletionStage()
                .toCompletableFuture();
        Thread.sleep(200);
        server.adminExecute("SELECT pg_terminate_backend(" + pid + ")");
        Throwable failure = causeOf(sleeping);
        Optional<FailureCategory> category = classifier.classify(failure);
        assertTrue(category.equals(Optional.of(FailureCategory.SERVICE_DOWN)) || category.equals(Optional.of(FailureCategory.NETWORK)),
                "killed session: " + failure + " -> " + category);
        assertTrue(FailureClassifier.sessionLost(failure), "a killed session is a lost session: " + failure);
        // Retried, but no verdict on the server: the breaker does not count it (GuardedPool skipOn).
        assertInstanceOf(SessionLostException.class, classifier.translate(failure));
    }

    @Test
    void aStatementOnAClosedPoolIsALostSessionNotAQueryError() throws Exception {
        // GuardedPool replaces a starved request pool; statements still waiting on the old one fail so.
        Pool pool = pool(options(), new PoolOptions());
        await(pool.close());
        Throwable failure = fail(pool, p -> p.withConnection(c -> c.query("SELECT 1").execute()));
        assertTrue(FailureClassifier.sessionLost(failure), "pool closed: " + failure);
        assertInstanceOf(SessionLostException.class, classifier.translate(failure), "retried, never a 500");
    }

    @Test
    void queryErrorsAreNotOutages() throws Exception {
        Throwable syntax = fail(pool(options(), new PoolOptions()), p -> p.query("SELEC 1").execute());
        assertEquals(Optional.of(FailureCategory.QUERY), classifier.classify(syntax));
        assertInstanceOf(DatabaseQueryException.class, classifier.translate(syntax));

        Pool pool = pool(options(), new PoolOptions());
        await(pool.query("INSERT INTO t VALUES (42) ON CONFLICT DO NOTHING").execute());
        Throwable duplicate = fail(pool, p -> p.query("INSERT INTO t VALUES (42)").execute());
        RuntimeException translated = classifier.translate(duplicate);
        assertInstanceOf(DatabaseQueryException.class, translated);
        assertTrue(((DatabaseQueryException) translated).isUniqueViolation());
    }

    @Test
    void serializationFailuresAreRetriedButAreNotOutages() {
        for (String state : new String[] { "40001", "40P01" }) {
            RuntimeException translated = classifier.translate(
                    new io.vertx.pgclient.PgException("could not serialize access", "ERROR", state, null));
            assertInstanceOf(RetryableQueryException.class, translated, state + " is retried");
            assertTrue(!(translated instanceof DatabaseUnavailableException), state + " never counts against the breaker");
        }
    }

    @Test
    void somethingThatIsNotADatabaseFailureHasNoCategory() {
        assertEquals(Optional.empty(), classifier.classify(new IllegalStateException("bug")));
    }

    // ------------------------------------------------------------------------------------------

    private void assertCategory(FailureCategory expected, Throwable failure) {
        assertEquals(Optional.of(expected), classifier.classify(failure), () -> "classified " + failure);
    }

    private static PgConnectOptions options() {
        return new PgConnectOptions().setHost(server.host()).setPort(server.port())
                .setDatabase(EmbeddedPostgres.DATABASE).setUser(EmbeddedPostgres.USER).setPassword(PASSWORD)
                .setConnectTimeout(2000);
    }

    private static Pool pool(PgConnectOptions connect, PoolOptions pool) {
        return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
    }

    private static <T> Throwable fail(Pool pool, Function<Pool, Future<T>> work) throws Exception {
        try {
            return causeOf(work.apply(pool).toCompletionStage().toCompletableFuture());
        } finally {
            pool.close();
        }
    }

    private static Throwable causeOf(CompletableFuture<?> future) throws Exception {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
