package dev.triage.resilience;

import java.util.List;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Runs the service against {@link FaultDatabase} with its production settings. */
public class FaultProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FaultDatabase.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
