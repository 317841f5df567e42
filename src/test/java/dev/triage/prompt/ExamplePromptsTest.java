package dev.triage.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.triage.playbook.PlaybookDefaults;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The example prompts in docs/examples (shown side by side in the README) are what Triage renders
 * today for their contexts. After a deliberate change to the prompt, rewrite them with
 * {@code ./mvnw test -Dtest=ExamplePromptsTest -Dtriage.examples.write=true}.
 */
@QuarkusTest
class ExamplePromptsTest {

    static final Map<String, IncidentContext> EXAMPLES = Map.of(
            "prompt-postgresql-python.md", new IncidentContext("Checkout API returning 500 errors",
                    "psycopg.errors.DeadlockDetected: deadlock detected (SQLSTATE 40P01)", Environment.PRODUCTION,
                    Language.PYTHON, Urgency.HIGH, true, true, "checkout", DatabaseKind.POSTGRESQL, null, null),
            "prompt-mongodb-go.md", new IncidentContext("Orders API fails every write since 14:02",
                    "write exception: (NotWritablePrimary) not primary", Environment.PRODUCTION, Language.GO,
                    Urgency.CRITICAL, true, true, "orders", DatabaseKind.MONGODB, null, null));

    @Inject
    PromptComposer composer;

    @Inject
    PromptRenderer renderer;

    @ParameterizedTest
    @ValueSource(strings = { "prompt-postgresql-python.md", "prompt-mongodb-go.md" })
    void theDocumentedExampleIsWhatTriageRenders(String name) throws Exception {
        String rendered = renderer.markdown(composer.compose(EXAMPLES.get(name), PlaybookDefaults.load()));
        Path file = Path.of("docs", "examples", name);
        if (Boolean.getBoolean("triage.examples.write")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, rendered, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(file, StandardCharsets.UTF_8), rendered,
                file + " is out of date: rewrite it with -Dtriage.examples.write=true and review the change");
    }
}
