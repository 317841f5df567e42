package dev.triage.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/** JWTs signed by the configured issuer's key are accepted with their groups as roles; any other is a 401. */
@QuarkusTest
@TestProfile(SecurityProfile.class)
class JwtTest {

    @BeforeEach
    void migrated() {
        Api.awaitMigrations();
    }

    private static JwtClaimsBuilder claims(String subject, String... groups) {
        long now = Instant.now().getEpochSecond();
        return Jwt.issuer(SecurityProfile.ISSUER).subject(subject).upn(subject + "@example.com")
                .groups(Set.of(groups)).issuedAt(now).expiresAt(now + 300);
    }

    private static String sign(JwtClaimsBuilder claims) {
        return claims.jws().keyId(SecurityProfile.KEY_ID).sign(SecurityProfile.privateKey());
    }

    @Test
    void aSignedJwtCarriesItsRoles() {
        String writer = sign(claims("alice", "writer"));
        String id = Api.as(writer).contentType(ContentType.JSON).body(Map.of("issueDescription", "from a JWT caller"))
                .post("/api/v1/incidents").then().statusCode(201).extract().path("id");
        Api.as(writer).get("/api/v1/incidents/" + id).then().statusCode(200);
        String reader = sign(claims("bob", "reader"));
        Api.as(reader).get("/api/v1/incidents/" + id).then().statusCode(200);
        Api.as(reader).contentType(ContentType.JSON).body(Map.of("issueDescription", "x")).post("/api/v1/incidents")
                .then().statusCode(403).contentType(Problem.MEDIA_TYPE);
        Api.as(sign(claims("carol", "admin"))).get("/api/v1/diagnostics").then().statusCode(200);
        Api.as(sign(claims("dave"))).get("/api/v1/incidents").then().statusCode(403);
    }

    @Test
    void expiredBadlySignedWrongIssuerAndUnsignedJwtsAreRefused() throws Exception {
        long now = Instant.now().getEpochSecond();
        String expired = sign(claims("alice", "reader").issuedAt(now - 7200).expiresAt(now - 3600));
        PrivateKey otherKey = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();
        String badlySigned = claims("alice", "reader").jws().keyId(SecurityProfile.KEY_ID).sign(otherKey);
        String wrongIssuer = sign(claims("alice", "reader").issuer("https://evil.example"));
        String good = sign(claims("alice", "reader"));
        String[] parts = good.split("\\.");
        String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1])).replace("\"reader\"", "\"admin\"")
                        .getBytes()) + "." + parts[2];
        String unsigned = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes()) + "." + parts[1] + ".";
        Api.as(good).get("/api/v1/incidents?limit=1").then().statusCode(200);
        for (String token : new String[] { expired, badlySigned, wrongIssuer, tampered, unsigned }) {
            Api.as(token).get("/api/v1/incidents?limit=1").then().statusCode(401).contentType(Problem.MEDIA_TYPE)
                    .header("WWW-Authenticate", containsString("invalid_token"))
                    .body("detail", org.hamcrest.Matchers.not(containsString(token)));
        }
    }

    @Test
    void aJwtCallerAndAStaticTokenCallerHaveTheirOwnIdempotencyKeys() {
        String key = "shared-key-" + Instant.now().toEpochMilli();
        Map<String, String> body = Map.of("issueDescription", "same key, two callers");
        String jwt = sign(claims("erin", "writer"));
        String first = Api.as(jwt).contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/api/v1/incidents").then().statusCode(201).extract().path("id");
        Api.as(jwt).contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/api/v1/incidents").then().statusCode(200).body("id", equalTo(first));
        String other = Api.admin().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/api/v1/incidents").then().statusCode(201).extract().path("id");
        org.junit.jupiter.api.Assertions.assertNotEquals(first, other);
    }
}
