package dev.triage.alert;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.triage.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class AlertmanagerReceiverTest {

    @BeforeEach
    void migrated() {
        Api.awaitMigrations();
    }

    @Test
    void aFiringAlertOpensOneIncidentAndItsResolutionResolvesIt() {
        String fingerprint = UUID.randomUUID().toString().substring(0, 16);
        String firing = payload("firing", fingerprint, "0001-01-01T00:00:00Z");
        String id = post(firing).then().statusCode(200)
                .body("received", equalTo(1))
                .body("alerts[0].action", equalTo("created"))
                .extract().path("alerts[0].incidentId");
        // Alertmanager repeats notifications: the same alert finds the same incident.
        post(firing).then().statusCode(200).body("alerts[0].action", equalTo("existing"))
                .body("alerts[0].incidentId", equalTo(id));
        Api.reader().accept(ContentType.JSON).get("/api/v1/incidents/" + id).then().statusCode(200)
                .body("status", equalTo("open"))
                .body("urgency", equalTo("critical"))
                .body("environment", equalTo("staging"))
                .body("service", equalTo("checkout"))
                .body("issueDescription", equalTo("Triage cannot reach its database"))
                .body("errorMessage", equalTo("triage_database_up has been 0 for 30 seconds"))
                .body("labels.alertname", equalTo("TriageDatabaseUnreachable"))
                .body("labels.severity", equalTo("critical"));
        post(payload("resolved", fingerprint, "2026-11-26T10:05:00Z")).then().statusCode(200)
                .body("alerts[0].action", equalTo("resolved")).body("alerts[0].incidentId", equalTo(id));
        Api.reader().accept(ContentType.JSON).get("/api/v1/incidents/" + id).then().statusCode(200)
                .body("status", equalTo("resolved"));
        // A repeated resolution changes nothing.
        int version = Api.reader().get("/api/v1/incidents/" + id).then().extract().path("version");
        post(payload("resolved", fingerprint, "2026-11-26T10:05:00Z")).then().statusCode(200);
        assertEquals(version, (int) Api.reader().get("/api/v1/incidents/" + id).then().extract().path("version"));
    }

    @Test
    void aNulCharacterCannotBlockANotification() {
        String body = payload("firing", UUID.randomUUID().toString().substring(0, 16), "0001-01-01T00:00:00Z")
                .replace("Triage cannot reach its database\"", "Triage cannot \\u0000reach its database\"");
        post(body).then().statusCode(200).body("alerts[0].action", equalTo("created"));
    }

    @Test
    void aMalformedNotificationIsA400() {
        Api.alertSender().contentType(ContentType.JSON).body("{\"version\":\"4\",\"status\":\"firing\"}")
                .post("/api/v1/alerts/alertmanager").then().statusCode(400)
                .body("errors[0].field", equalTo("alerts"));
        Api.alertSender().contentType(ContentType.JSON).body("{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\"}]}")
                .post("/api/v1/alerts/alertmanager").then().statusCode(400);
    }

    @Test
    void theWebhookNeedsTheAlertSenderToken() {
        String body = payload("firing", UUID.randomUUID().toString().substring(0, 16), "0001-01-01T00:00:00Z");
        given().contentType(ContentType.JSON).body(body).post("/api/v1/alerts/alertmanager").then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", startsWith("Bearer"));
        Api.as("not-the-alertmanager-token").contentType(ContentType.JSON).body(body).post("/api/v1/alerts/alertmanager")
                .then().statusCode(401).contentType("application/problem+json");
        for (var other : List.of(Api.reader(), Api.writer(), Api.admin())) {
            other.contentType(ContentType.JSON).body(body).post("/api/v1/alerts/alertmanager").then().statusCode(403)
                    .contentType("application/problem+json");
        }
        post(body).then().statusCode(200).body("alerts[0].action", equalTo("created"));
    }

    @Test
    void aNotificationOverTheCapIsA413ThatSaysTheCap() {
        StringBuilder alerts = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            alerts.append(i == 0 ? "" : ",").append("{\"status\":\"firing\",\"fingerprint\":\"cap").append(i).append("\"}");
        }
        post("{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[" + alerts + "]}").then().statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:triage:problem:too-many-alerts"))
                .body("detail", containsString("at most 100 alerts"))
                .body("detail", containsString("max_alerts"));
    }

    @Test
    void aClientCannotCaptureTheIncidentOfAnAlertWithItsKey() {
        String fingerprint = UUID.randomUUID().toString().substring(0, 16);
        // The key the receiver uses for this alert occurrence, sent by a client first.
        String captured = Api.json().header("Idempotency-Key", "alertmanager:" + fingerprint + ":2026-11-26T10:00:00Z")
                .body(java.util.Map.of("issueDescription", "not the alert")).post("/api/v1/incidents").then()
                .statusCode(201).extract().path("id");
        String alertIncident = post(payload("firing", fingerprint, "0001-01-01T00:00:00Z")).then().statusCode(200)
                .body("alerts[0].action", equalTo("created")).extract().path("alerts[0].incidentId");
        assertNotEquals(captured, alertIncident);
        post(payload("resolved", fingerprint, "2026-11-26T10:05:00Z")).then().statusCode(200)
                .body("alerts[0].incidentId", equalTo(alertIncident));
        Api.reader().get("/api/v1/incidents/" + captured).then().statusCode(200).body("status", equalTo("open"))
                .body("issueDescription", equalTo("not the alert"));
        Api.reader().get("/api/v1/incidents/" + alertIncident).then().statusCode(200).body("status", equalTo("resolved"));
    }

    private static io.restassured.response.Response post(String body) {
        return Api.alertSender().contentType(ContentType.JSON).accept(ContentType.JSON).body(body).post("/api/v1/alerts/alertmanager");
    }

    /** Every documented field of webhook version 4, plus fields of newer releases (ignored). */
    private static String payload(String status, String fingerprint, String endsAt) {
        return """
                {
                  "version": "4",
                  "groupKey": "{}:{alertname=\\"TriageDatabaseUnreachable\\"}",
                  "truncatedAlerts": 0,
                  "status": "%1$s",
                  "receiver": "triage",
                  "groupLabels": {"alertname": "TriageDatabaseUnreachable"},
                  "commonLabels": {"alertname": "TriageDatabaseUnreachable", "severity": "critical"},
                  "commonAnnotations": {"summary": "Triage cannot reach its database"},
                  "externalURL": "http://alertmanager.example:9093",
                  "notification_reason": "new alert",
                  "routeLabels": {"team": "platform"},
                  "alerts": [{
                    "status": "%1$s",
                    "labels": {"alertname": "TriageDatabaseUnreachable", "severity": "critical",
                               "environment": "staging", "job": "checkout", "instance": "10.0.0.7:8080"},
                    "annotations": {"summary": "Triage cannot reach its database",
                                    "description": "triage_database_up has been 0 for 30 seconds",
                                    "runbook_url": "http://triage/api/v1/diagnostics/prompt?category=service-down"},
                    "startsAt": "2026-11-26T10:00:00Z",
                    "endsAt": "%3$s",
                    "generatorURL": "http://prometheus.example:9090/graph?g0.expr=triage_database_up+%%3D%%3D+0",
                    "fingerprint": "%2$s",
                    "someFutureField": {"nested": true}
                  }]
                }
                """.formatted(status, fingerprint, endsAt);
    }
}
