package dev.triage.database;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;


import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Future;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.pgclient.PgConnectOptions;

/**
 * The seed's diagnostic steps run against Triage's own database, live: DNS, TCP connect, login,
 * SELECT version(), round trip, connection slots. On a connection of its own (the pool may be
 * the problem), each step bounded in time, so a hung step cannot hang the call.
 */
@ApplicationScoped
public class DatabaseDiagnostics {

    /** One step: what was checked, how it went (ok, failed, skipped), how long it took. */
    @RegisterForReflection
    public record Step(String name, String outcome, long durationMillis, String detail, String category) {
    }

    /** Where Triage connects, without the password. */
    @RegisterForReflection
    public record Endpoint(String host, int port, String database, String user) {
    }

    public record Result(Endpoint endpoint, List<Step> steps, Map<String, Object> server) {
    }

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final FailureClassifier classifier;
    private final DatabaseCredentials credentials;
    private final BoundedPoolCreator pools;

    public DatabaseDiagnostics(Vertx vertx, FailureClassifier classifier, DatabaseCredentials credentials,
            BoundedPoolCreator pools) {
        this.vertx = vertx;
        this.classifier = classifier;
        this.credentials = credentials;
        this.pools = pools;
    }

    public Endpoint endpoint() {
        PgConnectOptions options = pools.connectOptions();
        return new Endpoint(options.getHost(), options.getPort(), options.getDatabase(), credentials.user());
    }

    public Uni<Result> run() {
        List<Step> steps = new ArrayList<>();
        Map<String, Object> server = new LinkedHashMap<>();
        return dns(steps)
                .chain(ok -> ok ? tcp(steps) : skip(steps, "tcp-connect", "login", "version", "round-trip", "connections"))
                .chain(ok -> ok ? login(steps, server) : skip(steps, "login", "version", "round-trip", "connections"))
                .map(ignored -> new Result(endpoint(), List.copyOf(steps), server));
    }

    private Uni<Boolean> dns(List<Step> steps) {
        long start = System.nanoTime();
        String host = pools.connectOptions().getHost();
        return Uni.createFrom().item(() -> {
            try {
                InetAddress[] addresses = InetAddress.getAllByName(host);
                return addresses.length + " address(es): " + addresses[0].getHostAddress();
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(STEP_TIMEOUT).fail()
                .map(detail -> record(steps, "dns", start, "ok", detail, null))
                .onFailure().recoverWithItem(f -> record(steps, "dns", start, "failed",
                        "cannot resolve " + host + " (" + FailureClassifier.rootCause(f) + ")", FailureCategory.NETWORK.id()));
    }

    private Uni<Boolean> tcp(List<Step> steps) {
        long start = System.nanoTime();
        PgConnectOptions options = pools.connectOptions();
        var client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) STEP_TIMEOUT.toMillis()));
        return client.connect(options.getPort(), options.getHost())
                .ifNoItem().after(STEP_TIMEOUT.plusMillis(200)).fail()
                .call(socket -> socket.close())
                .map(socket -> record(steps, "tcp-connect", start, "ok", options.getHost() + ":" + options.getPort()
                        + " accepts connections", null))
                .onFailure().recoverWithItem(f -> record(steps, "tcp-connect", start, "failed", FailureClassifier.rootCause(f),
                        category(f)))
                .eventually(client::close);
    }

    private Uni<Boolean> login(List<Step> steps, Map<String, Object> server) {
        long start = System.nanoTime();
        // Logs in as the request pool does: same settings (TLS, startup parameters), the current
        // password read off the event loop, and the same throttle after an authentication failure.
        Future<io.vertx.pgclient.PgConnection> connecting = pools.login().compose(options -> io.vertx.pgclient.PgConnection
                .connect(vertx.getDelegate(), BoundedPoolCreator.copyOf((PgConnectOptions) options)
                        .setConnectTimeout((int) STEP_TIMEOUT.toMillis())
                        .addProperty("application_name", "triage-diagnostics")));
        return Uni.createFrom().completionStage(connecting.toCompletionStage())
                .ifNoItem().after(STEP_TIMEOUT).failWith(() -> {
                    // a connection that arrives after we gave up is closed, never leaked
                    connecting.onSuccess(io.vertx.pgclient.PgConnection::close);
                    return new io.smallrye.mutiny.TimeoutException();
                })
                .onFailure().invoke(f -> record(steps, "login", start, "failed", describe(f), category(f)))
                .onItem().invoke(c -> record(steps, "login", start, "ok", "as " + credentials.user(), null))
                .map(PgConnection::newInstance)
                .chain(connection -> queries(connection, steps, server).eventually(connection::close))
                .onFailure().recoverWithUni(f -> skip(steps, "version", "round-trip", "connections"));
    }

    private Uni<Boolean> queries(PgConnection connection, List<Step> steps, Map<String, Object> server) {
        return step(steps, "version", connection, "SELECT version()", row -> {
            server.put("version", row.getString(0));
            return row.getString(0);
        }).chain(() -> roundTrip(connection, steps, server))
                .chain(() -> step(steps, "connections", connection,
                        "SELECT current_setting('max_connections')::int, (SELECT count(*) FROM pg_stat_activity)::int,"
                                + " current_setting('superuser_reserved_connections')::int, pg_is_in_recovery(),"
                                + " current_setting('default_transaction_read_only')",
                        row -> {
                            server.put("maxConnections", row.getInteger(0));
                            server.put("connectionsInUse", row.getInteger(1));
                            server.put("superuserReserved", row.getInteger(2));
                            server.put("inRecovery", row.getBoolean(3));
                            server.put("defaultReadOnly", "on".equals(row.getString(4)));
                            return row.getInteger(1) + " of " + row.getInteger(0) + " connections in use"
                                    + (row.getBoolean(3) ? "; server is a standby (read-only)" : "");
                        }));
    }

    private Uni<Boolean> roundTrip(PgConnection connection, List<Step> steps, Map<String, Object> server) {
        long start = System.nanoTime();
        return connection.query("SELECT 1").execute()
                .chain(() -> connection.query("SELECT 1").execute())
                .chain(() -> connection.query("SELECT 1").execute())
                .ifNoItem().after(STEP_TIMEOUT).fail()
                .map(rows -> {
                    long averageMicros = (System.nanoTime() - start) / 3_000;
                    server.put("roundTripMicros", averageMicros);
                    return record(steps, "round-trip", start, "ok", "average " + averageMicros + " µs over 3 queries",
                            null);
                })
                .onFailure().recoverWithItem(f -> record(steps, "round-trip", start, "failed", describe(f), category(f)));
    }

    private Uni<Boolean> step(List<Step> steps, String name, PgConnection connection, String sql,
            Function<Row, String> describe) {
        long start = System.nanoTime();
        return connection.query(sql).execute()
                .ifNoItem().after(STEP_TIMEOUT).fail()
                .map(rows -> record(steps, name, start, "ok", describe.apply(rows.iterator().next()), null))
                .onFailure().recoverWithItem(f -> record(steps, name, start, "failed", describe(f), category(f)));
    }

    private static Uni<Boolean> skip(List<Step> steps, String... names) {
        for (String name : names) {
            if (steps.stream().noneMatch(s -> s.name().equals(name))) {
                steps.add(new Step(name, "skipped", 0, "an earlier step failed", null));
            }
        }
        return Uni.createFrom().item(false);
    }

    private static boolean record(List<Step> steps, String name, long start, String outcome, String detail,
            String category) {
        steps.add(new Step(name, outcome, (System.nanoTime() - start) / 1_000_000, detail, category));
        return "ok".equals(outcome);
    }

    private String category(Throwable f) {
        if (f instanceof io.smallrye.mutiny.TimeoutException) {
            return FailureCategory.TIMEOUT.id();
        }
        return classifier.classify(f).map(FailureCategory::id).orElse(null);
    }

    /** The server's message when there is one (it never contains the password), else the type. */
    private static String describe(Throwable f) {
        if (f instanceof io.vertx.pgclient.PgException pg) {
            return pg.getErrorMessage() + " (SQLSTATE " + pg.getSqlState() + ")";
        }
        return FailureClassifier.rootCause(f);
    }
}
