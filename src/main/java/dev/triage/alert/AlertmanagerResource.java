package dev.triage.alert;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;

@Path("/api/v1/alerts/alertmanager")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Alerts", description = "Prometheus Alertmanager webhook receiver")
public class AlertmanagerResource {

    private final AlertReceiver receiver;

    public AlertmanagerResource(AlertReceiver receiver) {
        this.receiver = receiver;
    }

    @POST
    @Operation(summary = "Receive an Alertmanager notification (webhook payload version 4)",
            description = "One incident per alert occurrence (fingerprint + startsAt); repeats find the same incident;"
                    + " resolved alerts resolve it. 503 while the database is unavailable, so Alertmanager retries.")
    public Uni<Received> receive(@Valid @NotNull AlertmanagerPayload payload) {
        return receiver.receive(payload).map(outcomes -> new Received(outcomes.size(), outcomes));
    }

    /** The answer: how many alerts were taken and what became of each. */
    public record Received(int received, List<AlertReceiver.Outcome> alerts) {
    }
}
