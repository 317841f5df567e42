package dev.triage.incident;

import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A change to an incident: a new status, new notes, or both. */
@Schema(name = "IncidentPatch")
public record IncidentPatch(
        @Schema(description = "open -> acknowledged -> resolved; never backwards") IncidentStatus status,
        @Size(max = 4000) String notes) {
}
