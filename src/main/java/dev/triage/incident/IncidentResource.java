package dev.triage.incident;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.triage.api.CallerRateLimited;
import dev.triage.api.Callers;
import dev.triage.api.Problem;
import dev.triage.api.ProblemException;
import dev.triage.api.Roles;
import dev.triage.api.PublicUrls;
import dev.triage.api.Sourced;
import dev.triage.playbook.PlaybookCatalogue;
import dev.triage.prompt.IncidentContext;
import dev.triage.prompt.PromptComposer;
import dev.triage.prompt.PromptDocument;
import dev.triage.prompt.PromptRenderer;
import dev.triage.prompt.PromptFormat;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/incidents")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Incidents", description = "Stored incident contexts and their lifecycle")
public class IncidentResource {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final int MAX_LIMIT = 100;

    private final IncidentService incidents;
    private final PromptComposer composer;
    private final PromptRenderer renderer;
    private final PlaybookCatalogue catalogue;
    private final SecurityIdentity caller;
    private final PublicUrls urls;

    public IncidentResource(IncidentService incidents, PromptComposer composer, PromptRenderer renderer,
            PlaybookCatalogue catalogue, SecurityIdentity caller, PublicUrls urls) {
        this.urls = urls;
        this.incidents = incidents;
        this.composer = composer;
        this.renderer = renderer;
        this.catalogue = catalogue;
        this.caller = caller;
    }

    @POST
    @RolesAllowed({ Roles.WRITER, Roles.ADMIN })
    @CallerRateLimited(CallerRateLimited.Bucket.WRITES)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Store an incident context",
            description = "With Idempotency-Key: the same key and body return the first incident (200); the same key"
                    + " with another body is a 422. Keys belong to the caller: another caller's key never matches.")
    @APIResponse(responseCode = "201", description = "Created", headers = {
            @Header(name = "Location", description = "The new incident"),
            @Header(name = "ETag", description = "Its version, for If-Match") },
            content = @Content(schema = @Schema(implementation = Incident.class)))
    @APIResponse(responseCode = "200", description = "Idempotent replay: the incident this key created",
            content = @Content(schema = @Schema(implementation = Incident.class)))
    @APIResponse(responseCode = "422", description = "Idempotency-Key reused with another body", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "This caller's write rate is exceeded; Retry-After says when to try again", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> create(
            @Parameter(description = "Makes retries safe; up to 200 printable characters")
            @HeaderParam(IDEMPOTENCY_KEY) @Pattern(regexp = "[\\x21-\\x7E]{1,200}", message = "must be 1 to 200 printable ASCII characters") String idempotencyKey,
            @Valid @NotNull IncidentContext context) {
        return incidents.create(context, Callers.id(caller), idempotencyKey).map(creation -> {
            Incident incident = creation.incident();
            // Set as a header: Response.created() would make it absolute from the request's Host.
            String location = urls.link("/api/v1/incidents/" + incident.id());
            Response.ResponseBuilder response = creation.created()
                    ? Response.status(Response.Status.CREATED).header(HttpHeaders.LOCATION, location)
                    : Response.ok().header(HttpHeaders.LOCATION, location).header("Idempotent-Replayed", "true");
            return response.entity(incident).tag(unquoted(incident)).build();
        });
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({ Roles.READER, Roles.WRITER, Roles.ADMIN })
    @Operation(summary = "One incident, with its ETag",
            description = "While the database is unavailable, a recently seen incident is served from memory with"
                    + " Triage-Data-Source: cache.")
    @APIResponse(responseCode = "200", description = "The incident", content = @Content(schema = @Schema(implementation = Incident.class)))
    @APIResponse(responseCode = "404", description = "No such incident", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> get(@PathParam("id") String id) {
        return incidents.get(parseId(id)).map(sourced -> sourced.ok().tag(unquoted(sourced.value())).build());
    }

    @GET
    @RolesAllowed({ Roles.READER, Roles.WRITER, Roles.ADMIN })
    @Operation(summary = "Incidents, newest first, a page at a time",
            description = "Follow nextCursor (also in the Link header) for the next page.")
    @APIResponse(responseCode = "200", description = "A page", content = @Content(schema = @Schema(implementation = IncidentPage.class)))
    public Uni<Response> list(
            @Parameter(description = "open, acknowledged or resolved") @QueryParam("status") String status,
            @Parameter(description = "low, medium, high or critical") @QueryParam("urgency") String urgency,
            @Parameter(description = "production, staging, development or test") @QueryParam("environment") String environment,
            @Parameter(description = "1 to 100, default 20") @QueryParam("limit") @DefaultValue("20") String limit,
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") String cursor) {
        IncidentFilter filter = IncidentFilter.parse(status, urgency, environment);
        int size = parseLimit(limit);
        Cursor after = cursor == null || cursor.isBlank() ? null : Cursor.decode(cursor);
        return incidents.list(filter, after, size).map(page -> {
            Response.ResponseBuilder response = Response.ok(page);
            if (page.nextCursor() != null) {
                response.header("Link", "<" + urls.link(nextPage(filter, size, page.nextCursor())) + ">; rel=\"next\"");
            }
            return response.build();
        });
    }

    @PATCH
    @Path("/{id}")
    @RolesAllowed({ Roles.WRITER, Roles.ADMIN })
    @CallerRateLimited(CallerRateLimited.Bucket.WRITES)
    @Consumes({ "application/merge-patch+json", MediaType.APPLICATION_JSON })
    @Operation(summary = "Change status (open -> acknowledged -> resolved) or notes",
            description = "If-Match with the incident's ETag is required.")
    @APIResponse(responseCode = "200", description = "Changed", content = @Content(schema = @Schema(implementation = Incident.class)))
    @APIResponse(responseCode = "404", description = "No such incident", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The status cannot go backwards", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "412", description = "If-Match does not name the current version", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "428", description = "If-Match is missing", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "This caller's write rate is exceeded; Retry-After says when to try again", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> patch(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @Valid @NotNull IncidentPatch patch) {
        UUID incidentId = parseId(id);
        if (ifMatch == null || ifMatch.isBlank()) {
            throw new ProblemException(428, "precondition-required", "Precondition required",
                    "Send If-Match with the ETag of the incident you read, so that concurrent changes are not lost.");
        }
        return incidents.change(incidentId, ifMatch, patch)
                .map(updated -> Response.ok(updated).tag(unquoted(updated)).build());
    }

    @GET
    @Path("/{id}/prompt")
    @RolesAllowed({ Roles.READER, Roles.WRITER, Roles.ADMIN })
    @Produces({ PromptFormat.MARKDOWN_TYPE, MediaType.APPLICATION_JSON })
    @Operation(summary = "The debugging prompt for a stored incident: markdown by default, structured sections with"
            + " Accept: application/json")
    @APIResponse(responseCode = "200", description = "The prompt", content = {
            @Content(mediaType = "text/markdown", schema = @Schema(type = SchemaType.STRING)),
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PromptDocument.class)) })
    @APIResponse(responseCode = "404", description = "No such incident", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> prompt(@PathParam("id") String id, @Context Request request) {
        PromptFormat format = PromptFormat.negotiate(request);
        return incidents.get(parseId(id)).map(sourced -> {
            PromptDocument document = composer.compose(sourced.value().context(), catalogue.current());
            Response.ResponseBuilder response = format.respond(document, renderer);
            return sourced.fromCache() ? response.header(Sourced.HEADER, "cache").build() : response.build();
        });
    }

    /** The next page's link, from the parsed parameters (never echoing raw query text). */
    private static String nextPage(IncidentFilter filter, int size, String cursor) {
        StringBuilder query = new StringBuilder("/api/v1/incidents?");
        if (filter.status() != null) {
            query.append("status=").append(filter.status().id()).append('&');
        }
        if (filter.urgency() != null) {
            query.append("urgency=").append(filter.urgency().id()).append('&');
        }
        if (filter.environment() != null) {
            query.append("environment=").append(filter.environment().id()).append('&');
        }
        return query.append("limit=").append(size).append("&cursor=").append(cursor).toString();
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("No incident with id '" + id + "' (ids are UUIDs).");
        }
    }

    private static int parseLimit(String limit) {
        try {
            int value = Integer.parseInt(limit.trim());
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ProblemException.badRequest("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }

    /** JAX-RS quotes the tag itself; the version is the tag. */
    private static jakarta.ws.rs.core.EntityTag unquoted(Incident incident) {
        return new jakarta.ws.rs.core.EntityTag(String.valueOf(incident.version()));
    }
}
