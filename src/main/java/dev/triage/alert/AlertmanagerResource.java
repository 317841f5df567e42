package dev.triage.alert;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.triage.api.CallerRateLimited;
import dev.triage.api.Problem;
import dev.triage.api.ProblemException;
import dev.triage.api.Roles;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/alerts/alertmanager")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Alerts", description = "Prometheus Alertmanager webhook receiver")
public class AlertmanagerResource {

    private final AlertReceiver receiver;
    private final int maxAlerts;

    public AlertmanagerResource(AlertReceiver receiver,
            @ConfigProperty(name = "triage.alerts.max-per-notification") int maxAlerts) {
        this.receiver = receiver;
        this.maxAlerts = maxAlerts;
    }

    @POST
    @RolesAllowed(Roles.ALERT_SENDER)
    @CallerRateLimited(CallerRateLimited.Bucket.ALERTS)
    @Operation(summary = "Receive an Alertmanager notification (webhook payload version 4; alert-sender role)",
            description = "One incident per alert occurrence (fingerprint + startsAt); repeats find the same incident;"
                    + " resolved alerts resolve it. 503 while the database is unavailable, so Alertmanager retries."
                    + " At most triage.alerts.max-per-notification alerts (default 100) per notification: set"
                    + " max_alerts in Alertmanager's webhook_configs.")
    @APIResponse(responseCode = "200", description = "What became of each alert",
            content = @Content(schema = @Schema(implementation = Received.class)))
    @APIResponse(responseCode = "413", description = "More alerts than triage.alerts.max-per-notification",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "This sender's rate is exceeded; Retry-After says when to try again",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Received> receive(@Valid @NotNull AlertmanagerPayload payload) {
        if (payload.alerts().size() > maxAlerts) {
            throw new ProblemException(413, "too-many-alerts", "Too many alerts",
                    "A notification may carry at most " + maxAlerts + " alerts (this one has " + payload.alerts().size()
                            + "); set max_alerts: " + maxAlerts + " (or less) in Alertmanager's webhook_configs.");
        }
        return receiver.receive(payload).map(outcomes -> new Received(outcomes.size(), outcomes));
    }

    /** The answer: how many alerts were taken and what became of each. */
    public record Received(int received, List<AlertReceiver.Outcome> alerts) {
    }
}
