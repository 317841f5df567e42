package dev.triage.diagnostics;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.triage.api.Roles;
import dev.triage.prompt.PromptDocument;
import dev.triage.prompt.PromptFormat;
import dev.triage.prompt.PromptRenderer;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/diagnostics")
@Tag(name = "Diagnostics", description = "Triage's live self-diagnosis of its own database (admin role: it shows"
        + " connection details)")
public class DiagnosticsResource {

    private final DiagnosticsService diagnostics;
    private final PromptRenderer renderer;

    public DiagnosticsResource(DiagnosticsService diagnostics, PromptRenderer renderer) {
        this.diagnostics = diagnostics;
        this.renderer = renderer;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Run the diagnostic steps against Triage's own database",
            description = "DNS, TCP connect, login, SELECT version(), round trip, connection slots; each step bounded"
                    + " in time and reported with its outcome and duration. Works with the database down.")
    @APIResponse(responseCode = "200", description = "The diagnosis", content = @Content(schema = @Schema(implementation = Diagnosis.class)))
    public Uni<Diagnosis> diagnose() {
        return diagnostics.diagnose();
    }

    @GET
    @Path("/prompt")
    @RolesAllowed(Roles.ADMIN)
    @Produces({ PromptFormat.MARKDOWN_TYPE, MediaType.APPLICATION_JSON })
    @Operation(summary = "The debugging prompt for Triage's own database state, filled with live facts")
    @APIResponse(responseCode = "200", description = "The prompt", content = {
            @Content(mediaType = "text/markdown", schema = @Schema(type = SchemaType.STRING)),
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PromptDocument.class)) })
    public Uni<Response> prompt(
            @Parameter(description = "Rank this failure category first (as alert runbook links do)")
            @QueryParam("category") String category, @Context Request request) {
        PromptFormat format = PromptFormat.negotiate(request);
        return diagnostics.prompt(DiagnosticsService.category(category))
                .map(document -> format.respond(document, renderer).build());
    }
}
