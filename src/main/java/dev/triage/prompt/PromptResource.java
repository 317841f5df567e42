package dev.triage.prompt;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.triage.playbook.PlaybookCatalogue;

/** Renders a prompt without storing anything: works whatever state the database is in. */
@Path("/api/v1/prompts")
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Prompts", description = "Debugging prompts for an incident context")
public class PromptResource {

    public static final String MARKDOWN = "text/markdown;charset=UTF-8";

    private final PromptComposer composer;
    private final PromptRenderer renderer;
    private final PlaybookCatalogue catalogue;

    public PromptResource(PromptComposer composer, PromptRenderer renderer, PlaybookCatalogue catalogue) {
        this.composer = composer;
        this.renderer = renderer;
        this.catalogue = catalogue;
    }

    @POST
    @Produces(MARKDOWN)
    @Operation(summary = "Render a debugging prompt as markdown (the default)",
            description = "Uses the in-memory playbook catalogue, so it answers with the database down.")
    public String markdown(@Valid @NotNull IncidentContext context) {
        return renderer.markdown(document(context));
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Render a debugging prompt as structured sections (Accept: application/json)")
    public PromptDocument json(@Valid @NotNull IncidentContext context) {
        return document(context);
    }

    private PromptDocument document(IncidentContext context) {
        return composer.compose(context, catalogue.current());
    }
}
