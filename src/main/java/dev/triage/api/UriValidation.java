package dev.triage.api;

import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.quarkus.runtime.annotations.StaticInitSafe;

/**
 * Moves the check that a request target is a valid URI from Quarkus to Triage, so that its answer
 * is a problem+json 400 (HttpLimits) instead of a bare one. Quarkus's HTTP entry point refuses a
 * target {@code java.net.URI} cannot parse (bad percent-encoding, a {@code {} or {@code |} in
 * the query) with an empty 400 before any handler runs, unless the JVM system property
 * {@code vertx.disableURIValidation} is true, which it reads once, when its HTTP recorder class is
 * initialized. This config source is the earliest code of the application Quarkus runs, in every
 * launch mode (tests, dev mode, the packaged JVM application, and the native image build, where
 * that class is initialized at build time); it provides no configuration, it only sets that
 * property. HttpLimits performs the same java.net.URI check as the first handler of every request.
 */
@StaticInitSafe
public class UriValidation implements ConfigSource {

    static final String PROPERTY = "vertx.disableURIValidation";

    static {
        System.setProperty(PROPERTY, "true");
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of();
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of();
    }

    @Override
    public String getValue(String propertyName) {
        return null;
    }

    @Override
    public String getName() {
        return "triage-uri-validation";
    }

    @Override
    public int getOrdinal() {
        return 0;
    }
}
