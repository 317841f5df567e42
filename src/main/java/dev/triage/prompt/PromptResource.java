package dev.triage.prompt;

import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.triage.playbook.PlaybookCatalogue;
import io.smallrye.common.annotation.NonBlocking;

/** Renders a prompt without storing anything: works whatever state the database is in. */
@Path("/api/v1/prompts")
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Prompts", description = "Debugging prompts for an incident context")
public class PromptResource {

    private final PromptComposer composer;
    private final PromptRenderer renderer;
    private final PlaybookCatalogue catalogue;

    public PromptResource(PromptComposer composer, PromptRenderer renderer, PlaybookCatalogue catalogue) {
        this.composer = composer;
        this.renderer = renderer;
        this.catalogue = catalogue;
    }

    // Access is decided by the HTTP permission "prompts" in application.properties (roles reader, writer or
    // admin unless triage.auth.prompts-require-token=false), so that it can be opened by configuration.
    @POST
    @PermitAll
    @Produces({ PromptFormat.MARKDOWN_TYPE, MediaType.APPLICATION_JSON })
    @Operation(summary = "Render a debugging prompt: markdown by default, structured sections with Accept: application/json",
            description = "Uses the in-memory playbook catalogue, so it answers with the database down. Needs a reader,"
                    + " writer or admin token unless triage.auth.prompts-require-token=false.")
    @APIResponse(responseCode = "200", description = "The prompt", content = {
            @Content(mediaType = "text/markdown", schema = @Schema(type = SchemaType.STRING)),
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PromptDocument.class)) })
    // On the event loop: composing and rendering take ~0.1 ms of CPU and never block; a method
    // returning a plain Response would otherwise be dispatched to a worker thread and back.
    @NonBlocking
    public Response render(@Valid @NotNull IncidentContext context, @Context Request request) {
        return PromptFormat.negotiate(request).respond(document(context), renderer).build();
    }

    private PromptDocument document(IncidentContext context) {
        return composer.compose(context, catalogue.current());
    }
}
