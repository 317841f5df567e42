package dev.triage.incident;

import java.time.OffsetDateTime;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.triage.prompt.IncidentContext;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** A stored incident: its context, where it stands, and its version (the ETag). */
@RegisterForReflection
@Schema(name = "Incident")
public record Incident(
        UUID id,
        IncidentStatus status,
        String notes,
        @JsonUnwrapped IncidentContext context,
        int version,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        @JsonIgnore String requestHash) {

    public String etag() {
        return "\"" + version + "\"";
    }
}
