package dev.triage.api;

import static dev.triage.support.Api.json;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** A body means exactly one thing, or it is a 400 that names the field and says what is wrong. */
@QuarkusTest
class StrictJsonTest {

    private static final String CONTEXT = "{\"issueDescription\":\"API returning 500 errors\",\"errorMessage\":\"boom\","
            + "\"environment\":\"production\",\"language\":\"python\",\"urgency\":\"critical\",\"includeLogs\":true,"
            + "\"includeSolutions\":true}";

    @BeforeEach
    void migrated() {
        Api.awaitMigrations();
    }

    @Test
    void aRepeatedKeyIsA400NamingIt_onEveryJsonEndpoint() {
        String repeated = CONTEXT.substring(0, CONTEXT.length() - 1) + ",\"urgency\":\"high\"}";
        for (String path : List.of("/api/v1/incidents", "/api/v1/prompts")) {
            problem(json().body(repeated).post(path).then(), "urgency")
                    .body("errors[0].message", containsString("duplicate"))
                    .body("errors[0].pointer", equalTo("/urgency"));
        }
        String incident = Api.createIncident(Api.seedContext()).then().statusCode(201).extract().path("id");
        problem(json().header("If-Match", "\"1\"").body("{\"notes\":\"a\",\"notes\":\"b\"}")
                .patch("/api/v1/incidents/" + incident).then(), "notes");
        problem(admin().body("{\"enabled\":false,\"enabled\":true}").put("/api/v1/admin/maintenance").then(), "enabled");
        problem(alerts().body("{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"fingerprint\":\"a\","
                + "\"fingerprint\":\"b\"}]}").post("/api/v1/alerts/alertmanager").then(), "alerts[0].fingerprint")
                .body("errors[0].pointer", equalTo("/alerts/0/fingerprint"));
        problem(json().body("{\"issueDescription\":\"x\",\"labels\":{\"team\":\"a\",\"team\":\"b\"}}")
                .post("/api/v1/prompts").then(), "labels.team");
    }

    @Test
    void contentAfterTheJsonValueIsA400() {
        for (String tail : List.of(" garbage", CONTEXT, "]", " 1")) {
            problem(json().body(CONTEXT + tail).post("/api/v1/prompts").then(), "body")
                    .body("errors[0].message", equalTo("has content after the JSON value"));
        }
    }

    @Test
    void invalidUtf8IsA400_includingTheFormsJacksonLetsThrough() {
        for (byte[] bad : List.of(new byte[] { (byte) 0xC0, (byte) 0xAF }, new byte[] { (byte) 0xED, (byte) 0xA0,
                (byte) 0x80 }, new byte[] { (byte) 0xFF }, new byte[] { (byte) 0xE9, 'b' })) {
            byte[] body = concat("{\"issueDescription\":\"a".getBytes(StandardCharsets.UTF_8), bad,
                    "\"}".getBytes(StandardCharsets.UTF_8));
            problem(json().body(body).post("/api/v1/prompts").then(), "body")
                    .body("errors[0].message", containsString("UTF-8"));
        }
        problem(json().body("{\"issueDescription\":\"a\"}".getBytes(StandardCharsets.UTF_16LE)).post("/api/v1/prompts")
                .then(), "body");
    }

    @Test
    void valuesAreNotCoercedFromAnotherJsonType() {
        problem(json().body("{\"issueDescription\":123}").post("/api/v1/incidents").then(), "issueDescription")
                .body("errors[0].message", equalTo("must be a string"));
        problem(json().body("{\"issueDescription\":\"x\",\"includeLogs\":\"false\"}").post("/api/v1/prompts").then(),
                "includeLogs").body("errors[0].message", equalTo("must be true or false"));
        problem(json().body("{\"issueDescription\":\"x\",\"includeLogs\":123456789012345678901234}")
                .post("/api/v1/prompts").then(), "includeLogs");
        problem(json().body("{\"issueDescription\":\"x\",\"urgency\":2}").post("/api/v1/prompts").then(), "urgency");
        problem(admin().body("{\"enabled\":1,\"reason\":\"x\"}").put("/api/v1/admin/maintenance").then(), "enabled");
        problem(admin().body("{\"enabled\":false,\"retryAfterSeconds\":1.5}").put("/api/v1/admin/maintenance").then(),
                "retryAfterSeconds").body("errors[0].message", equalTo("must be a whole number"));
        problem(admin().body("{\"enabled\":false,\"retryAfterSeconds\":\"30\"}").put("/api/v1/admin/maintenance").then(),
                "retryAfterSeconds");
        Api.admin().get("/api/v1/admin/maintenance").then()
                .statusCode(200).body("enabled", equalTo(false));
    }

    @Test
    void controlCharactersAreRefusedNamingTheField_butLineBreaksAreKeptInMultiLineFields() {
        problem(json().body("{\"issueDescription\":\"nul \\u0000 inside\"}").post("/api/v1/incidents").then(),
                "issueDescription").body("errors[0].message", containsString("control character (U+0000) at character 5"));
        problem(json().body("{\"issueDescription\":\"x\",\"logExcerpt\":\"\\u001b[31mred\"}").post("/api/v1/prompts")
                .then(), "logExcerpt");
        problem(json().body("{\"issueDescription\":\"x\",\"labels\":{\"team\":\"a\\nb\"}}").post("/api/v1/prompts")
                .then(), "labels.team").body("errors[0].message", containsString("single-line"))
                .body("errors[0].pointer", equalTo("/labels/team"));
        problem(json().body("{\"issueDescription\":\"x\",\"errorMessage\":\"a\\u202eb\"}").post("/api/v1/prompts")
                .then(), "errorMessage").body("errors[0].message", containsString("bidirectional"));
        problem(json().body("{\"issueDescription\":\"x\\udb40\\udc41\"}").post("/api/v1/prompts").then(),
                "issueDescription").body("errors[0].message", containsString("tag character"));
        problem(json().body("{\"issueDescription\":\"x\\ud800\"}").post("/api/v1/prompts").then(), "issueDescription")
                .body("errors[0].message", containsString("unpaired surrogate"));
        String log = "2024-01-01 ERROR\tpool exhausted\r\nat line 2\n";
        String id = Api.createIncident(Map.of("issueDescription", "multi\nline", "logExcerpt", log)).then()
                .statusCode(201).extract().path("id");
        Api.reader().accept(ContentType.JSON).get("/api/v1/incidents/" + id).then().statusCode(200)
                .body("logExcerpt", equalTo(log)).body("issueDescription", equalTo("multi\nline"));
    }

    @Test
    void whitespaceOfAnyKindIsBlank() {
        for (String blank : List.of(" ", "\u00a0", "\u0085", "\u3000", "\u200b", "\u2007\u202f", "\u3164", "\t\n")) {
            String body = "{\"issueDescription\":\"" + blank.replace("\t", "\\t").replace("\n", "\\n")
                    .replace("\u0085", "\\u0085") + "\"}";
            problem(json().body(body).post("/api/v1/prompts").then(), "issueDescription")
                    .body("errors[0].message", containsString(blank.equals("\u0085") ? "control character"
                            : "must not be blank"));
        }
    }

    @Test
    void lengthsAreCountedInCodePoints() {
        String fire = "\uD83D\uDD25"; // one character, two UTF-16 units
        Api.createIncident(Map.of("issueDescription", fire.repeat(2000))).then().statusCode(201);
        problem(Api.createIncident(Map.of("issueDescription", fire.repeat(2001))).then(), "issueDescription")
                .body("errors[0].message", equalTo("must be at most 2000 characters (Unicode code points); it has 2001"));
    }

    @Test
    void problemDetailsNameThePlaceButShowNoParserInternals() {
        for (String body : List.of("{\"issueDescription\": garbage}", "{\"issueDescription\":\"x\"", "{'a':1}",
                "{\"issueDescription\":\"x\",\"labels\":" + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}",
                "{\"issueDescription\":\"x\",\"includeLogs\":1" + "0".repeat(100) + "}", CONTEXT + CONTEXT,
                "{\"issueDescription\":[1]}", "{\"issueDescription\":\"x\",\"urgency\":\"soon\"}")) {
            json().body(body).post("/api/v1/prompts").then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("requestId", notNullValue())
                    .body("errors.field", not(hasItem(equalTo(null))))
                    .body("detail", not(containsString("Source")))
                    .body("detail", not(containsString("line:")))
                    .body("detail", not(containsString("column")))
                    .body("detail", not(containsString("Feature")))
                    .body("detail", not(containsString("java")))
                    .body("detail", not(containsString("`")));
        }
        problem(json().body("{\"issueDescription\":\"x\",\"urgency\":\"soon\"}").post("/api/v1/prompts").then(),
                "urgency").body("errors[0].message", equalTo("is not one of [low, medium, high, critical]"));
        // The webhook skips fields it does not know, so only the parser's depth limit stops this one.
        problem(alerts().body("{\"version\":\"4\",\"future\":" + "{\"a\":".repeat(40) + "1" + "}".repeat(40)
                + ",\"alerts\":[]}").post("/api/v1/alerts/alertmanager").then(), "body")
                .body("errors[0].message", equalTo("nests deeper than 32 levels"));
        problem(json().body("{\"issueDescription\":\"x\",\"labels\":{\"a\":{\"b\":1}}}").post("/api/v1/prompts").then(),
                "labels.a").body("errors[0].message", equalTo("must be a string"));
    }

    private static ValidatableResponse problem(ValidatableResponse response, String field) {
        return response.statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:triage:problem:validation"))
                .body("errors[0].field", equalTo(field))
                .body("detail", containsString(field + ": "));
    }

    private static io.restassured.specification.RequestSpecification alerts() {
        return Api.alertSender().contentType(ContentType.JSON).accept(ContentType.JSON);
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return Api.admin().contentType(ContentType.JSON).accept(ContentType.JSON);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        assertEquals(length, at);
        return all;
    }
}
