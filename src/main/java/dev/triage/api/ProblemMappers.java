package dev.triage.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.triage.database.DatabaseQueryException;
import dev.triage.database.DatabaseUnavailableException;
import dev.triage.database.FailureCategory;
import dev.triage.database.FailureLog;
import dev.triage.database.GuardedPool;
import dev.triage.database.MaintenanceException;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Every exception that can leave a resource becomes problem+json here: 4xx for the client's
 * mistakes, 503 with a category and Retry-After for the database, 500 (with a request id and
 * no stack trace) only for a bug.
 */
public class ProblemMappers {


    private final CurrentVertxRequest currentRequest;
    private final FailureLog failures;

    public ProblemMappers(CurrentVertxRequest currentRequest, FailureLog failures) {
        this.currentRequest = currentRequest;
        this.failures = failures;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.status(), e.slug(), e.title(), e.getMessage(), null, e.errors(), e.headers());
    }

    @ServerExceptionMapper
    public Response databaseUnavailable(DatabaseUnavailableException e) {
        return unavailable(e.category(), describe(e.category()), e.category().retryAfterSeconds());
    }

    @ServerExceptionMapper
    public Response maintenance(MaintenanceException e) {
        return respond(503, "maintenance", "Maintenance", "Writes are paused for maintenance: " + e.getMessage(),
                null, null, Map.of(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, e.retryAfterSeconds()))));
    }

    @ServerExceptionMapper
    public Response breakerOpen(CircuitBreakerOpenException e) {
        FailureCategory category = failures.currentCategory().orElse(FailureCategory.SERVICE_DOWN);
        return unavailable(category, "The database is failing (" + category.id()
                + "); requests to it are paused for a few seconds while it recovers.", (int) (GuardedPool.BREAKER_DELAY_MILLIS / 1000));
    }

    @ServerExceptionMapper
    public Response timeout(TimeoutException e) {
        return unavailable(FailureCategory.TIMEOUT, "The database did not answer in time.",
                FailureCategory.TIMEOUT.retryAfterSeconds());
    }

    @ServerExceptionMapper
    public Response bulkhead(BulkheadException e) {
        return unavailable(FailureCategory.POOL_EXHAUSTED, "Too many requests are waiting for the database.",
                FailureCategory.POOL_EXHAUSTED.retryAfterSeconds());
    }

    @ServerExceptionMapper
    public Response queryFailed(DatabaseQueryException e) {
        if (e.sqlState() != null && e.sqlState().startsWith("22")) {
            // data exception: the input could not be stored as given (a NUL character, say)
            return respond(400, "invalid-data", "Invalid request",
                    "The request contains data the database cannot store (SQLSTATE " + e.sqlState()
                            + "), such as a NUL character.", null, null, Map.of());
        }
        return bug(e);
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> v : e.getConstraintViolations()) {
            errors.add(fieldError(v));
        }
        errors.sort(Comparator.comparing(Problem.FieldError::field).thenComparing(Problem.FieldError::message));
        String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return respond(400, "validation", "Invalid request", detail, null, errors, Map.of());
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        return badJson(e);
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonMappingException e) {
        return badJson(e);
    }

    @ServerExceptionMapper
    public Response unreadableJson(MismatchedInputException e) {
        return badJson(e);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException json) {
            return badJson(json);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return bug(e);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "Request failed" : known.getReasonPhrase();
        String slug = title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
        Map<String, String> headers = new java.util.HashMap<>();
        String detail = switch (status) {
            case 404 -> "There is no resource at this path.";
            case 405 -> {
                RoutingContext rc = currentRequest.getCurrent();
                String allow = AllowedMethods.of(rc == null ? null : rc.normalizedPath());
                if (!allow.isEmpty()) {
                    headers.put(HttpHeaders.ALLOW, allow);
                }
                String method = rc == null ? "this method" : rc.request().method().name();
                yield "This resource does not support " + method + (allow.isEmpty() ? "." : "; it supports " + allow + ".");
            }
            case 406 -> "This resource cannot produce any media type the Accept header asks for.";
            case 415 -> "This resource does not accept this Content-Type; send application/json.";
            default -> title + ".";
        };
        return respond(status, slug, title, detail, null, null, headers);
    }

    /**
     * Reading the request failed because the client went away or sent a broken stream (a bad
     * chunk, say): there is usually nobody left to answer, and it is not Triage's failure.
     */
    @ServerExceptionMapper
    public Response unreadable(java.io.IOException e) {
        Log.debugf("Reading the request failed: %s", e.toString());
        return respond(400, "bad-request", "Bad request", "The request body could not be read.", null, null,
                Map.of("Connection", "close"));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        return bug(e);
    }

    private Response badJson(JsonProcessingException e) {
        Problem.FieldError error = JsonProblems.describe(e);
        return respond(400, "validation", "Invalid request", error.field() + ": " + error.message(), null,
                List.of(error), Map.of());
    }

    private Response unavailable(FailureCategory category, String detail, int retryAfterSeconds) {
        String slug = category == FailureCategory.MIGRATION_PENDING ? "database-migrating" : "database-unavailable";
        return respond(503, slug, "Database unavailable", detail, category.id(), null,
                Map.of(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, retryAfterSeconds))));
    }

    private Response bug(Throwable e) {
        String requestId = requestId();
        Log.errorf(e, "Unexpected failure (request %s)", requestId);
        return respond(500, "internal-error", "Internal error",
                "An unexpected error occurred; quote the request id when reporting it.", null, null, Map.of());
    }

    private Response respond(int status, String slug, String title, String detail, String category,
            List<Problem.FieldError> errors, Map<String, String> headers) {
        RoutingContext rc = currentRequest.getCurrent();
        String instance = HttpProblems.instance(rc);
        Problem body = new Problem(Problem.TYPE_PREFIX + slug, title, status, detail, instance, requestId(),
                category, errors);
        Response.ResponseBuilder response = Response.status(status).type(Problem.MEDIA_TYPE).entity(body);
        headers.forEach(response::header);
        return response.build();
    }

    private String requestId() {
        return RequestIds.of(currentRequest.getCurrent());
    }

    private static String describe(FailureCategory category) {
        return switch (category) {
            case SERVICE_DOWN -> "The database is not accepting connections.";
            case POOL_EXHAUSTED -> "Every database connection is busy.";
            case NETWORK -> "The network path to the database failed.";
            case AUTHENTICATION -> "The database rejected Triage's credentials.";
            case RESOURCE_EXHAUSTION -> "The database is out of a resource (disk, memory or a limit).";
            case READ_ONLY -> "The database is read-only (a standby after a failover?); writes cannot be stored.";
            case TIMEOUT -> "The database did not answer in time.";
            case MIGRATION_PENDING -> "The database schema is still being prepared.";
            case QUERY -> "The database rejected the request.";
        };
    }

    /**
     * The field a violation is about, as a dotted name ({@code labels.team}, {@code solutions[2]})
     * and a JSON pointer ({@code /labels/team}): the method and body parameter names are left out;
     * a violation on a parameter itself (a header, a path segment) is named after the parameter.
     */
    static Problem.FieldError fieldError(ConstraintViolation<?> violation) {
        StringBuilder name = new StringBuilder();
        StringBuilder pointer = new StringBuilder();
        String parameter = null;
        for (Path.Node node : violation.getPropertyPath()) {
            ElementKind kind = node.getKind();
            if (kind == ElementKind.METHOD || kind == ElementKind.CONSTRUCTOR || kind == ElementKind.CROSS_PARAMETER
                    || kind == ElementKind.RETURN_VALUE) {
                continue;
            }
            if (kind == ElementKind.PARAMETER) {
                parameter = node.getName();
                continue;
            }
            if (node.isInIterable()) {
                if (node.getIndex() != null) {
                    name.append('[').append(node.getIndex()).append(']');
                    pointer.append('/').append(node.getIndex());
                } else if (node.getKey() != null && !"<map key>".equals(node.getName())) {
                    name.append('.').append(node.getKey());
                    pointer.append('/').append(escape(String.valueOf(node.getKey())));
                }
            }
            if (kind == ElementKind.CONTAINER_ELEMENT || node.getName() == null) {
                continue;
            }
            name.append(name.length() > 0 ? "." : "").append(node.getName());
            pointer.append('/').append(escape(node.getName()));
        }
        if (name.length() > 0) {
            return new Problem.FieldError(name.toString(), violation.getMessage(), pointer.toString());
        }
        // On the parameter itself: a missing body, or a header or path parameter (no JSON pointer).
        return parameter == null || violation.getInvalidValue() == null
                ? new Problem.FieldError("body", violation.getMessage(), "")
                : new Problem.FieldError(parameter, violation.getMessage());
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
