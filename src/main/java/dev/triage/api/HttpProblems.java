package dev.triage.api;

import java.util.Map;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes a problem+json answer from the HTTP layer (route handlers, failure and error handlers),
 * where no JAX-RS exception mapper runs.
 */
final class HttpProblems {

    private HttpProblems() {
    }

    /** Answers with a problem and, when {@code close}, closes the connection after it. */
    static void send(RoutingContext rc, int status, String slug, String title, String detail, boolean close,
            Map<String, String> headers) {
        HttpServerResponse response = rc.response();
        if (response.ended() || response.closed() || response.headWritten()) {
            return;
        }
        String requestId = RequestIds.ensure(rc);
        Problem problem = new Problem(Problem.TYPE_PREFIX + slug, title, status, detail, instance(rc), requestId,
                null, null);
        response.setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE);
        headers.forEach(response::putHeader);
        if (close) {
            response.putHeader("Connection", "close");
        }
        response.end(Json.encode(problem));
    }

    /** The path the problem is about; an absurd one (too long, not printable ASCII) is left out. */
    static String instance(RoutingContext rc) {
        if (rc == null) {
            return null;
        }
        String path;
        try {
            path = rc.request().path();
        } catch (RuntimeException e) {
            return null;
        }
        return Problem.instanceFor(path);
    }
}
