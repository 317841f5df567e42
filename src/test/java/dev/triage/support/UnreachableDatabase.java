package dev.triage.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Points the service at port 1 on loopback, where nothing listens: every connection is refused. */
public class UnreachableDatabase implements QuarkusTestProfile {

    public static Map<String, String> config() {
        return Map.of("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:1/triage",
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:1/triage",
                "quarkus.datasource.username", "triage", "quarkus.datasource.password", "unused");
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return config();
    }
}
