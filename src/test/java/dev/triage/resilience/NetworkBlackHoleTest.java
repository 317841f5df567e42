package dev.triage.resilience;

import static dev.triage.resilience.Load.Kind.CREATE;
import static dev.triage.resilience.Load.Kind.LIST;
import static dev.triage.resilience.Load.Kind.PROMPT;
import static dev.triage.resilience.Load.Kind.READ_KNOWN;
import static dev.triage.resilience.Load.Kind.READ_UNKNOWN;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.triage.database.embedded.EmbeddedPostgres;
import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The network path cut for good: the service reaches the server through a relay that starts
 * dropping every packet of the open connections, then lets new connections through again.
 */
@QuarkusTest
@TestProfile(BlackHoleProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkBlackHoleTest extends FaultSuite {

    @Test
    @Order(10)
    void networkBlackHole() throws Exception {
        run(new Fault("10. network black hole 10 s: every packet of the open connections lost for good",
                Set.of("timeout", "pool-exhausted", "network"), Set.of("timeout"), true, 8, MIX,
                Duration.ofSeconds(10), () -> db().network().blackHole(), null, () -> db().network().restore()));
    }
}
