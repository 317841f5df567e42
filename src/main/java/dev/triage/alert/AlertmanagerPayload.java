package dev.triage.alert;

import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Alertmanager's webhook payload, version 4: every documented field; fields Alertmanager adds
 * later (notification_reason, routeLabels, ...) are ignored.
 */
@Schema(name = "AlertmanagerPayload")
@JsonIgnoreProperties(ignoreUnknown = true)
public record AlertmanagerPayload(
        String version,
        String groupKey,
        Integer truncatedAlerts,
        String status,
        String receiver,
        Map<String, String> groupLabels,
        Map<String, String> commonLabels,
        Map<String, String> commonAnnotations,
        String externalURL,
        // capped by triage.alerts.max-per-notification in AlertmanagerResource (a 413 that names the cap)
        @NotNull List<@NotNull @Valid Alert> alerts) {

    @Schema(name = "AlertmanagerAlert")
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Alert(
            @NotBlank String status,
            Map<String, String> labels,
            Map<String, String> annotations,
            String startsAt,
            String endsAt,
            String generatorURL,
            @NotBlank @Size(max = 100) String fingerprint) {
    }
}
