package dev.triage.api;

import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Documents the problem responses every API operation can give (invalid input, a bug, and for
 * operations that need the database, 503 with Retry-After), so the OpenAPI document states the
 * failure contract without repeating it on every method.
 */
public class ProblemResponsesFilter implements OASFilter {

    private static final String PROBLEM_REF = "#/components/schemas/Problem";
    /** Operations that work without the database. */
    private static final java.util.Set<String> DATABASE_FREE = java.util.Set.of("/api/v1/prompts",
            "/api/v1/diagnostics", "/api/v1/diagnostics/prompt");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            for (Operation operation : path.getValue().getOperations().values()) {
                APIResponses responses = operation.getResponses();
                if (responses == null) {
                    responses = OASFactory.createAPIResponses();
                    operation.setResponses(responses);
                }
                // Replaces the generated plain 400 for validated bodies: Triage's are problem+json.
                responses.addAPIResponse("400", problem("Invalid request: every invalid field is listed in errors"));
                responses.addAPIResponse("500", problem("A bug: problem+json with a request id, never a stack trace"));
                // Secured operations: the generated 401/403 become problem+json (api/SecurityProblems).
                if (responses.getAPIResponse("401") != null) {
                    responses.addAPIResponse("401", problem("No bearer token, or an invalid one (WWW-Authenticate: Bearer)"));
                }
                if (responses.getAPIResponse("403") != null) {
                    responses.addAPIResponse("403", problem("The token lacks the role this operation needs"));
                }
                if (!DATABASE_FREE.contains(path.getKey())) {
                    APIResponse unavailable = problem("The database is unavailable; category says why and"
                            + " Retry-After when to try again");
                    unavailable.addHeader("Retry-After", OASFactory.createHeader().description("Seconds to wait")
                            .schema(OASFactory.createSchema().addType(org.eclipse.microprofile.openapi.models.media.Schema.SchemaType.INTEGER)));
                    if (responses.getAPIResponse("503") == null) {
                        responses.addAPIResponse("503", unavailable);
                    }
                }
            }
        }
    }

    private static APIResponse problem(String description) {
        return OASFactory.createAPIResponse().description(description).content(OASFactory.createContent()
                .addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                        .schema(OASFactory.createSchema().ref(PROBLEM_REF))));
    }
}
