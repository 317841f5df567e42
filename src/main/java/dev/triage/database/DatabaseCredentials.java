package dev.triage.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.credentials.CredentialsProvider;
import io.quarkus.logging.Log;

/**
 * The database login, for both the reactive pool and Flyway's JDBC connections (as the
 * {@code triage-credentials} CredentialsProvider). The password comes from
 * triage.database.password-file when set (a mounted Secret), re-read when the file changes or
 * after an authentication failure, so a rotated password takes effect without a restart.
 *
 * <p>While the password is wrong, new logins are limited to a few per second: retrying a
 * rejected password faster only fills the server log and may lock the account.
 */
@ApplicationScoped
@Named("triage-credentials")
public class DatabaseCredentials implements CredentialsProvider {

    private final DatabaseConfig config;
    private final String user;
    private final Optional<String> configuredPassword;
    private final Counter loginsAttempted;
    private final Counter loginsThrottled;

    private volatile String filePassword;
    private volatile FileTime fileStamp;
    private volatile boolean stale = true;
    private volatile long lastAuthFailureNanos;
    private volatile boolean authFailing;
    private long nextLoginAllowedNanos;

    public DatabaseCredentials(DatabaseConfig config,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
            MeterRegistry registry) {
        this.config = config;
        this.user = user.orElse("triage");
        this.configuredPassword = password;
        this.loginsAttempted = Counter.builder("triage.database.logins").tag("outcome", "attempted")
                .description("New database connections attempted").register(registry);
        this.loginsThrottled = Counter.builder("triage.database.logins").tag("outcome", "throttled")
                .description("New database connections refused locally after an authentication failure")
                .register(registry);
    }

    public String user() {
        return user;
    }

    /** The current password: the file's content when a file is configured. */
    public String password() {
        if (config.passwordFile().isEmpty()) {
            return configuredPassword.orElse("");
        }
        refreshFromFile();
        return filePassword == null ? "" : filePassword;
    }

    /**
     * Whether a new login may go to the server now. Always, unless the last login failed on
     * credentials within the throttle window; then a few per second.
     */
    public synchronized boolean tryLogin() {
        long now = System.nanoTime();
        boolean throttling = authFailing && now - lastAuthFailureNanos < config.loginThrottleWindow().toNanos();
        if (throttling && now < nextLoginAllowedNanos) {
            loginsThrottled.increment();
            return false;
        }
        nextLoginAllowedNanos = now + 1_000_000_000L / Math.max(1, config.loginAttemptsPerSecondAfterAuthFailure());
        loginsAttempted.increment();
        return true;
    }

    /** The server rejected the credentials: re-read the file before the next login, and slow down. */
    public void authenticationFailed() {
        stale = true;
        lastAuthFailureNanos = System.nanoTime();
        authFailing = true;
    }

    /** An operation succeeded: whatever failed on credentials is over. */
    public void succeeded() {
        authFailing = false;
    }

    @Override
    public Map<String, String> getCredentials(String credentialsProviderName) {
        return Map.of(USER_PROPERTY_NAME, user, PASSWORD_PROPERTY_NAME, password());
    }

    private void refreshFromFile() {
        var file = config.passwordFile().get();
        try {
            FileTime stamp = Files.getLastModifiedTime(file);
            if (!stale && stamp.equals(fileStamp) && filePassword != null) {
                return;
            }
            String read = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (filePassword != null && !read.equals(filePassword)) {
                Log.infof("Database password file %s changed; new logins use the new password", file);
                authFailing = false; // new credentials deserve an immediate try
            }
            filePassword = read;
            fileStamp = stamp;
            stale = false;
        } catch (IOException e) {
            // Keep the last good password; the login failure that follows is classified as usual.
            Log.warnf("Cannot read the database password file %s: %s", file, e.getClass().getSimpleName());
        }
    }
}
