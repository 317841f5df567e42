package dev.triage.resilience;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** {@link FaultDatabase} with the service connected through a {@link BlackHoleProxy}. */
public class BlackHoleProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FaultDatabase.class, Map.of("proxy", "true")));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
