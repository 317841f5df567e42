package dev.triage.api;

import java.util.Map;
import java.util.TreeSet;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Authentication and authorization failures as problem+json: 401 with {@code WWW-Authenticate:
 * Bearer} for a missing or invalid token, 403 for a valid token without the role, 429 with
 * Retry-After when a caller exceeds its rate. The detail never repeats the token or says why a
 * token was rejected beyond "invalid" (expired, badly signed, wrong issuer and unknown look alike).
 */
public class SecurityProblems {

    static final String CHALLENGE = "Bearer realm=\"triage\"";

    private final CurrentVertxRequest currentRequest;
    private final CurrentIdentityAssociation identity;

    public SecurityProblems(CurrentVertxRequest currentRequest, CurrentIdentityAssociation identity) {
        this.currentRequest = currentRequest;
        this.identity = identity;
    }

    /** No token where one is needed. */
    @ServerExceptionMapper
    public Response missing(UnauthorizedException e) {
        return respond(401, "unauthorized", "Unauthorized",
                "This operation needs a bearer token: send Authorization: Bearer <token>.", Map.of(
                        HttpHeaders.WWW_AUTHENTICATE, CHALLENGE));
    }

    /** A token was sent and is not valid (unknown, expired, badly signed, wrong issuer or audience). */
    @ServerExceptionMapper
    public Response invalid(AuthenticationFailedException e) {
        return respond(401, "unauthorized", "Unauthorized",
                "The bearer token is not valid: it is unknown, expired, or not issued and signed by a trusted issuer.",
                Map.of(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE + ", error=\"invalid_token\""));
    }

    /** The token is valid but lacks the role. (The identity is resolved already; the deferred form never blocks.) */
    @ServerExceptionMapper
    public Uni<Response> forbidden(ForbiddenException e) {
        RoutingContext rc = currentRequest.getCurrent();
        return identity.getDeferredIdentity().map(caller -> {
            String has = caller.getRoles().isEmpty() ? "no role"
                    : "roles " + String.join(", ", new TreeSet<>(caller.getRoles()));
            return respond(rc, 403, "forbidden", "Forbidden", "The caller's token (" + has
                    + ") does not allow this operation. Roles: reader (reads), writer (incident writes), admin"
                    + " (playbooks, maintenance, circuit breakers, diagnostics), alert-sender (the Alertmanager webhook).",
                    Map.of());
        });
    }

    @ServerExceptionMapper
    public Response rateLimited(CallerRateLimitedException e) {
        return respond(429, "rate-limited", "Too many requests", "This caller sent more than " + e.limit()
                + "; try again in " + e.retryAfterSeconds() + " s.",
                Map.of(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds())));
    }

    private Response respond(int status, String slug, String title, String detail, Map<String, String> headers) {
        return respond(currentRequest.getCurrent(), status, slug, title, detail, headers);
    }

    private static Response respond(RoutingContext rc, int status, String slug, String title, String detail,
            Map<String, String> headers) {
        Problem body = new Problem(Problem.TYPE_PREFIX + slug, title, status, detail,
                rc == null ? null : rc.request().path(), RequestIds.of(rc), null, null);
        Response.ResponseBuilder response = Response.status(status).type(Problem.MEDIA_TYPE).entity(body);
        headers.forEach(response::header);
        return response.build();
    }
}
