package dev.triage.incident;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of incidents, newest first; {@code nextCursor} is absent on the last page. */
@Schema(name = "IncidentPage")
public record IncidentPage(List<Incident> items, String nextCursor) {
}
