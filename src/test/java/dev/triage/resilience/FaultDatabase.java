package dev.triage.resilience;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import dev.triage.database.embedded.EmbeddedPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A PostgreSQL server of the fault suite's own (not the shared test server), which the tests
 * stop, crash, freeze, lock and reconfigure. The service reads its password from a file, as
 * from a mounted Secret, so the suite can rotate it.
 */
public class FaultDatabase implements QuarkusTestResourceLifecycleManager {

    /** Small enough that another client can take every slot in a test. */
    static final int MAX_CONNECTIONS = 40;

    private EmbeddedPostgres server;
    private BlackHoleProxy proxy;
    private boolean throughProxy;
    private Path passwordFile;

    @Override
    public void init(Map<String, String> initArgs) {
        throughProxy = Boolean.parseBoolean(initArgs.getOrDefault("proxy", "false"));
    }

    @Override
    public Map<String, String> start() {
        String password = "fault-" + Long.toHexString(System.nanoTime());
        server = EmbeddedPostgres.start(password, Map.of("max_connections", String.valueOf(MAX_CONNECTIONS),
                "superuser_reserved_connections", "3", "log_min_messages", "warning"));
        try {
            passwordFile = Files.createTempFile("triage-db-password", ".txt");
            writePassword(passwordFile, password);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = server.port();
        if (throughProxy) {
            // The service reaches the server through the relay, so a test can cut the network path.
            try {
                proxy = new BlackHoleProxy(server.host(), server.port());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            port = proxy.port();
        }
        String viaProxy = server.host() + ":" + port + "/" + EmbeddedPostgres.DATABASE;
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://" + viaProxy,
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + viaProxy,
                "quarkus.datasource.username", EmbeddedPostgres.USER,
                "quarkus.datasource.password", "not-used-the-file-wins",
                "triage.database.password-file", passwordFile.toString());
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(new Handle(server, passwordFile, proxy),
                new TestInjector.AnnotatedAndMatchesType(FaultServer.class, Handle.class));
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
        try {
            if (passwordFile != null) {
                Files.deleteIfExists(passwordFile);
            }
        } catch (IOException e) {
            // temp file
        }
    }

    /** Atomic replace, like a Kubernetes Secret update (a symlink swap). */
    static void writePassword(Path file, String password) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), "password", ".tmp");
        Files.writeString(temp, password + "\n");
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** What the tests get: the server, the password file the service reads, and the relay (or null). */
    public record Handle(EmbeddedPostgres server, Path passwordFile, BlackHoleProxy network) {
    }
}
