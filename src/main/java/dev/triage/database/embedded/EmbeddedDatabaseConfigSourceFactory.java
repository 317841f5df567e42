package dev.triage.database.embedded;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * In dev mode and tests, when no datasource URL is configured, starts a real PostgreSQL
 * ({@link EmbeddedPostgres}) and points both the reactive pool and Flyway at it.
 *
 * <p>A configured URL always wins, and the production profile never gets here. The server is
 * shared by the whole JVM: dev-mode live reload and test classes with other profiles build new
 * class loaders, so the server's coordinates are kept in system properties and reused while
 * it is alive; a shutdown hook stops it when the JVM exits.
 */
public class EmbeddedDatabaseConfigSourceFactory implements ConfigSourceFactory {

    static final String ENABLED = "triage.embedded-database.enabled";
    private static final String PORT_PROPERTY = "triage.embedded-database.port";
    private static final String PASSWORD_PROPERTY = "triage.embedded-database.password";
    private static final Set<String> PROFILES = Set.of("dev", "test");
    /** Below application.properties (250), so any configured value still wins. */
    private static final int ORDINAL = 120;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        boolean devOrTest = context.getProfiles().stream().anyMatch(PROFILES::contains);
        if (!devOrTest || isConfigured(context.getValue("quarkus.datasource.reactive.url"))
                || "false".equals(valueOf(context.getValue(ENABLED)))) {
            return List.of();
        }
        int port;
        String password;
        synchronized (System.getProperties()) {
            String knownPort = System.getProperty(PORT_PROPERTY);
            if (knownPort == null) {
                EmbeddedPostgres pg = EmbeddedPostgres.start(UUID.randomUUID().toString(), Map.of());
                Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "embedded-postgres-stop"));
                System.setProperty(PORT_PROPERTY, String.valueOf(pg.port()));
                System.setProperty(PASSWORD_PROPERTY, pg.userPassword());
                Logger.getLogger(EmbeddedDatabaseConfigSourceFactory.class).infof(
                        "Started an embedded PostgreSQL on 127.0.0.1:%d (database and user %s); set"
                        + " QUARKUS_DATASOURCE_REACTIVE_URL and QUARKUS_DATASOURCE_JDBC_URL to use your own.",
                        pg.port(), EmbeddedPostgres.DATABASE);
            }
            port = Integer.parseInt(System.getProperty(PORT_PROPERTY));
            password = System.getProperty(PASSWORD_PROPERTY);
        }
        String hostPort = "127.0.0.1:" + port + "/" + EmbeddedPostgres.DATABASE;
        return List.of(new PropertiesConfigSource(Map.of(
                "quarkus.datasource.reactive.url", "postgresql://" + hostPort,
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + hostPort,
                "quarkus.datasource.username", EmbeddedPostgres.USER,
                "quarkus.datasource.password", password), "triage-embedded-postgres", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static boolean isConfigured(ConfigValue value) {
        String v = valueOf(value);
        return v != null && !v.isBlank();
    }

    private static String valueOf(ConfigValue value) {
        return value == null ? null : value.getValue();
    }
}
