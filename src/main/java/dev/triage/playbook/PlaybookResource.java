package dev.triage.playbook;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.triage.api.Problem;
import dev.triage.api.Roles;
import dev.triage.api.PublicUrls;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/playbooks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Playbooks", description = "The root-cause catalogue that ranks and explains failures")
public class PlaybookResource {

    static final String ID_PATTERN = "[a-z0-9][a-z0-9-]{0,62}";

    private final PlaybookCatalogue catalogue;

    private final PublicUrls urls;

    public PlaybookResource(PlaybookCatalogue catalogue, PublicUrls urls) {
        this.urls = urls;
        this.catalogue = catalogue;
    }

    @GET
    @RolesAllowed({ Roles.READER, Roles.WRITER, Roles.ADMIN })
    @Operation(summary = "The catalogue, in ranking order",
            description = "From the database; while it is unavailable, the in-memory copy with Triage-Data-Source: cache.")
    @APIResponse(responseCode = "200", description = "The playbooks",
            content = @Content(schema = @Schema(implementation = Playbook.class, type = SchemaType.ARRAY)))
    public Uni<Response> list() {
        return catalogue.list().map(sourced -> sourced.ok().build());
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create or replace a playbook (admin role)")
    @APIResponse(responseCode = "200", description = "Replaced (or unchanged)")
    @APIResponse(responseCode = "201", description = "Created")
    public Uni<Response> put(@PathParam("id") @Pattern(regexp = ID_PATTERN, message = "must be lower-case letters, digits and dashes") String id,
            @Valid @NotNull Playbook playbook) {
        return catalogue.save(id, playbook).map(saved -> saved.created()
                ? Response.status(Response.Status.CREATED).header(HttpHeaders.LOCATION, urls.link("/api/v1/playbooks/" + id))
                        .entity(saved.playbook()).build()
                : Response.ok(saved.playbook()).build());
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a playbook (admin role)")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such playbook", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> delete(@PathParam("id") String id) {
        return catalogue.delete(id).map(ignored -> Response.noContent().build());
    }
}
