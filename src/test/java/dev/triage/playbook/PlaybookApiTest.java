package dev.triage.playbook;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItems;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class PlaybookApiTest {

    @BeforeEach
    void migrated() {
        Api.awaitMigrations();
    }

    @Test
    void theSeededCatalogueHasEveryRootCause() {
        Api.reader().accept(ContentType.JSON).get("/api/v1/playbooks").then().statusCode(200)
                .body("size()", greaterThanOrEqualTo(17))
                .body("id", hasItems("service-down", "pool-exhausted", "network", "authentication",
                        "resource-exhaustion", "read-only", "dns", "tls", "schema-mismatch", "slow-query",
                        "lock-contention", "deadlock", "connection-leak", "replication-lag", "app-memory",
                        "upstream-failure", "rate-limit"))
                .body("find { it.id == 'lock-contention' }.match.sqlstates", hasItems("55P03"))
                .body("find { it.id == 'lock-contention' }.match.codes", hasItems("mysql:1205", "mongodb:24"))
                .body("find { it.id == 'read-only' }.match.codes", hasItems("redis:READONLY", "mongodb:10107", "mysql:1290"))
                .body("find { it.id == 'app-memory' }.commands.keySet()", hasItems("any"))
                .body("find { it.id == 'pool-exhausted' }.match.sqlstates", hasItems("53300"))
                .body("find { it.id == 'authentication' }.match.sqlstates", hasItems("28P01", "28000"))
                .body("find { it.id == 'service-down' }.commands.keySet()",
                        hasItems("postgresql", "mysql", "mongodb", "redis"));
    }

    @Test
    void writesNeedTheAdminRole() {
        given().contentType(ContentType.JSON).body(playbook("x")).put("/api/v1/playbooks/no-token").then()
                .statusCode(401).contentType("application/problem+json").header("WWW-Authenticate", containsString("Bearer"));
        Api.writer().contentType(ContentType.JSON).body(playbook("x")).put("/api/v1/playbooks/no-token").then()
                .statusCode(403).contentType("application/problem+json");
        Api.reader().delete("/api/v1/playbooks/service-down").then().statusCode(403);
        given().contentType(ContentType.JSON).auth().oauth2("wrong").body(playbook("x")).put("/api/v1/playbooks/no-token")
                .then().statusCode(401);
        given().auth().oauth2("wrong").delete("/api/v1/playbooks/service-down").then().statusCode(401);
    }

    @Test
    void anAdminCanAddChangeAndRemoveAPlaybookAndPromptsFollow() {
        String path = "/api/v1/playbooks/flux-capacitor";
        admin().body(playbook("flux capacitor overheated")).put(path).then().statusCode(201)
                .header("Location", containsString(path)).body("version", equalTo(1));
        admin().body(playbook("flux capacitor overheated")).put(path).then().statusCode(200).body("version", equalTo(1));
        Map<String, Object> changed = playbook("flux capacitor overheated");
        changed.put("title", "Flux Capacitor Failure");
        admin().body(changed).put(path).then().statusCode(200).body("version", equalTo(2));

        Map<String, Object> context = new HashMap<>(Api.seedContext());
        context.put("errorMessage", "the flux capacitor overheated again");
        Api.reader().contentType(ContentType.JSON).accept("text/markdown").body(context).post("/api/v1/prompts").then()
                .statusCode(200).body(containsString("#### A. Flux Capacitor Failure"));

        Api.admin().delete(path).then().statusCode(204);
        Api.admin().delete(path).then().statusCode(404).contentType("application/problem+json");
        Api.reader().contentType(ContentType.JSON).accept("text/markdown").body(context).post("/api/v1/prompts").then()
                .statusCode(200).body(org.hamcrest.Matchers.not(containsString("Flux Capacitor")));
    }

    @Test
    void anInvalidPlaybookIsRejectedFieldByField() {
        Map<String, Object> bad = playbook("x");
        bad.put("title", "");
        bad.put("match", Map.of("sqlstates", List.of("nope"), "exceptions", List.of(), "keywords", List.of()));
        admin().body(bad).put("/api/v1/playbooks/bad-one").then().statusCode(400)
                .body("errors.field", hasItems("title"))
                .body("errors.size()", equalTo(2));
        admin().body(playbook("x")).put("/api/v1/playbooks/Not_Valid").then().statusCode(400);
        Map<String, Object> badCode = playbook("x");
        badCode.put("match", Map.of("sqlstates", List.of(), "codes", List.of("1205"), "exceptions", List.of(),
                "keywords", List.of()));
        admin().body(badCode).put("/api/v1/playbooks/bad-code").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.containsString("codes"));
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return Api.admin().contentType(ContentType.JSON).accept(ContentType.JSON);
    }

    private static Map<String, Object> playbook(String keyword) {
        Map<String, Object> p = new HashMap<>();
        p.put("position", 99);
        p.put("title", "Flux Capacitor");
        p.put("category", "query");
        p.put("symptom", "Time travel fails");
        p.put("match", Map.of("sqlstates", List.of(), "exceptions", List.of("FluxException"), "keywords", List.of(keyword)));
        p.put("solutions", List.of("Cool it down"));
        p.put("prevention", "Do not exceed 88 mph");
        p.put("commands", Map.of("postgresql", List.of("psql -c 'SELECT 1'")));
        return p;
    }
}
