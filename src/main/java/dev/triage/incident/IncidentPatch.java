package dev.triage.incident;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.triage.api.Text;

/** A change to an incident: a new status, new notes, or both. */
@Schema(name = "IncidentPatch")
public record IncidentPatch(
        @Schema(description = "open -> acknowledged -> resolved; never backwards") IncidentStatus status,
        @Schema(maxLength = 4000) @Text(max = 4000, multiline = true) String notes) {
}
