package dev.triage.api;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * States the failure contract in the OpenAPI document without repeating it on every method. The
 * problem responses are defined once under {@code components.responses} and referenced:
 * <ul>
 * <li>from what the document shows of an operation: a body gives 400, 413 and 415, query
 * parameters 400, a security requirement 401 and 403; every operation can answer 406 (each
 * declares what it produces) and 500 (a bug);</li>
 * <li>from the resource methods themselves, for what only the code knows: the database's 503
 * ({@code @APIResponse(responseCode = "503", ref = DATABASE_UNAVAILABLE)} on each method that goes
 * through {@code database/}), the rate limit's 429 ({@link #TOO_MANY_REQUESTS}), and their own
 * 404, 409, 412, 422, 428.</li>
 * </ul>
 * Answers the HTTP layer gives before any operation is chosen (a target that is not a URI, 405,
 * 413 where no body is expected, 414, 431) are described once, in the document's description
 * (quarkus.smallrye-openapi.info-description), and defined here for reference.
 * OpenApiContractTest checks each operation against what its code can answer.
 */
public class ProblemResponsesFilter implements OASFilter {

    /** The security scheme's name: quarkus.smallrye-openapi.security-scheme-name. */
    public static final String SECURITY_SCHEME = "bearer";

    public static final String BAD_REQUEST = "BadRequest";
    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String FORBIDDEN = "Forbidden";
    public static final String METHOD_NOT_ALLOWED = "MethodNotAllowed";
    public static final String NOT_ACCEPTABLE = "NotAcceptable";
    public static final String PAYLOAD_TOO_LARGE = "PayloadTooLarge";
    public static final String URI_TOO_LONG = "UriTooLong";
    public static final String UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType";
    public static final String TOO_MANY_REQUESTS = "TooManyRequests";
    public static final String HEADERS_TOO_LARGE = "HeadersTooLarge";
    public static final String INTERNAL_ERROR = "InternalError";
    public static final String DATABASE_UNAVAILABLE = "DatabaseUnavailable";

    private static final String PROBLEM_REF = "#/components/schemas/Problem";
    private static final String RESPONSES_REF = "#/components/responses/";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        defineResponses(openAPI);
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
                boolean body = operation.getRequestBody() != null;
                if ((body || hasQueryParameters(operation)) && responses.getAPIResponse("400") == null) {
                    responses.addAPIResponse("400", ref(BAD_REQUEST));
                }
                if (operation.getSecurity() != null && !operation.getSecurity().isEmpty()) {
                    secured(responses);
                }
                responses.addAPIResponse("406", ref(NOT_ACCEPTABLE));
                if (body) {
                    if (responses.getAPIResponse("413") == null) {
                        responses.addAPIResponse("413", ref(PAYLOAD_TOO_LARGE));
                    }
                    responses.addAPIResponse("415", ref(UNSUPPORTED_MEDIA_TYPE));
                }
                responses.addAPIResponse("500", ref(INTERNAL_ERROR));
            }
        }
    }

    /** 401 and 403 of an operation that needs a token (replacing the generated plain ones). */
    static void secured(APIResponses responses) {
        responses.addAPIResponse("401", ref(UNAUTHORIZED));
        responses.addAPIResponse("403", ref(FORBIDDEN));
    }

    static APIResponse ref(String name) {
        return OASFactory.createAPIResponse().ref(RESPONSES_REF + name);
    }

    private static boolean hasQueryParameters(Operation operation) {
        List<Parameter> parameters = operation.getParameters();
        return parameters != null && parameters.stream().anyMatch(p -> p.getIn() == Parameter.In.QUERY);
    }

    private static void defineResponses(OpenAPI openAPI) {
        Components components = openAPI.getComponents();
        if (components == null) {
            components = OASFactory.createComponents();
            openAPI.setComponents(components);
        }
        components.addResponse(BAD_REQUEST, problem("Invalid request: the body or a parameter is not valid; errors"
                + " lists every invalid field (field, message and, for body fields, a JSON pointer)"));
        components.addResponse(UNAUTHORIZED, problem("No bearer token, or one that is not valid (unknown, expired, badly"
                + " signed, another issuer)")
                .addHeader("WWW-Authenticate", header("Bearer realm=\"triage\", with error=\"invalid_token\" when a"
                        + " token was sent", Schema.SchemaType.STRING)));
        components.addResponse(FORBIDDEN, problem("The token is valid but carries none of the roles this operation"
                + " accepts (its security requirement lists them)"));
        components.addResponse(METHOD_NOT_ALLOWED, problem("The path does not support this method")
                .addHeader("Allow", header("The methods the path supports", Schema.SchemaType.STRING)));
        components.addResponse(NOT_ACCEPTABLE, problem("Accept names no media type this operation produces"));
        components.addResponse(PAYLOAD_TOO_LARGE, problem("The body is larger than quarkus.http.limits.max-body-size"
                + " (64 KiB as shipped), by its Content-Length or while a chunked body is read"));
        components.addResponse(URI_TOO_LONG, problem("The request target is longer than triage.http.max-uri-length"));
        components.addResponse(UNSUPPORTED_MEDIA_TYPE, problem("Content-Type is missing or not one this operation"
                + " consumes (application/json)"));
        components.addResponse(TOO_MANY_REQUESTS, problem("This caller's rate for this kind of request is exceeded"
                + " (a token bucket per caller and replica)")
                .addHeader("Retry-After", header("Seconds until the caller may try again", Schema.SchemaType.INTEGER)));
        components.addResponse(HEADERS_TOO_LARGE, problem("The request headers are larger than"
                + " triage.http.max-header-size"));
        components.addResponse(INTERNAL_ERROR, problem("A bug: problem+json with a request id to quote, never a stack"
                + " trace"));
        components.addResponse(DATABASE_UNAVAILABLE, problem("The database is unavailable (category says why:"
                + " service-down, pool-exhausted, network, authentication, resource-exhaustion, read-only, timeout,"
                + " migration-pending) or, for writes, maintenance mode is on (type urn:triage:problem:maintenance)."
                + " Retry-After says when to try again; nothing was stored")
                .addHeader("Retry-After", header("Seconds to wait before retrying", Schema.SchemaType.INTEGER)));
        if (components.getSecuritySchemes() != null) {
            SecurityScheme scheme = components.getSecuritySchemes().get(SECURITY_SCHEME);
            if (scheme != null) {
                // Static API tokens are opaque strings, not JWTs: no format hint.
                scheme.setBearerFormat(null);
            }
        }
    }

    private static APIResponse problem(String description) {
        return OASFactory.createAPIResponse().description(description).content(OASFactory.createContent()
                .addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                        .schema(OASFactory.createSchema().ref(PROBLEM_REF))));
    }

    private static org.eclipse.microprofile.openapi.models.headers.Header header(String description,
            Schema.SchemaType type) {
        return OASFactory.createHeader().description(description).schema(OASFactory.createSchema().addType(type));
    }
}
