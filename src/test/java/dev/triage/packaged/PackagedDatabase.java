package dev.triage.packaged;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;

import dev.triage.database.embedded.EmbeddedPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * For tests of the packaged artifact (the runner jar, or the native executable in CI): a real
 * throwaway PostgreSQL, and the configuration the artifact gets as system properties. The
 * artifact runs in the prod profile, which never starts an embedded database itself. The
 * management interface gets a free port chosen here, so tests know where health and metrics are.
 */
public class PackagedDatabase implements QuarkusTestResourceLifecycleManager {

    static volatile int managementPort;
    /** A static API token (reader and writer) given to the packaged service, which has no default token in prod. */
    static final String TOKEN = "packaged-it-token-" + UUID.randomUUID();
    private EmbeddedPostgres postgres;

    @Override
    public Map<String, String> start() {
        postgres = EmbeddedPostgres.start(UUID.randomUUID().toString(), Map.of());
        managementPort = freePort();
        return Map.of(
                "quarkus.datasource.reactive.url", postgres.reactiveUrl(),
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                "quarkus.datasource.username", EmbeddedPostgres.USER,
                "quarkus.datasource.password", postgres.userPassword(),
                "quarkus.management.host", "127.0.0.1",
                "quarkus.management.port", String.valueOf(managementPort),
                "triage.health.probe-interval", "PT1S",
                "triage.auth.tokens", "packaged-it:reader,writer:" + TOKEN);
    }

    @Override
    public void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
