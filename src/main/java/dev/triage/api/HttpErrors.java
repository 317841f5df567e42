package dev.triage.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.netty.handler.codec.DecoderException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * Client errors found by the HTTP layer itself, before a resource runs, answered as problem+json
 * without a stack trace and without an ERROR line (each is counted by {@link Rejections}):
 * <ul>
 * <li>a path that cannot be decoded fails while the router matches routes: Vert.x Web hands it to
 * the router's error handler for 400 (HttpLimits refuses a target that is not a valid URI first);</li>
 * <li>an HTTP/1.1 request without {@code Host} is failed with 400 by Vert.x Web before any route;</li>
 * <li>a body over the limit while it is read (HttpLimits) fails with 413.</li>
 * </ul>
 * Failures this class does not own (authentication, a bug in a route) go on to the next failure
 * handler. Each refusal is counted by {@link Rejections}: DEBUG per request, one INFO line a minute.
 */
@ApplicationScoped
public class HttpErrors {

    /**
     * The statuses the HTTP layer fails requests with (Vert.x Web, the body handler). Others, such
     * as a 401 or 403 from Quarkus Security, belong to their own failure handlers.
     */
    private static final java.util.Set<Integer> OWNED = java.util.Set.of(400, 405, 413, 414, 417, 431);

    private final long maxBodyBytes;

    public HttpErrors(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBody) {
        this.maxBodyBytes = maxBody.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failed);
        // A path Vert.x Web cannot decode while it matches routes (HttpLimits refuses a target that is
        // not a valid URI before, so this is a safety net).
        router.errorHandler(400, rc -> refused(rc, 400));
        // No 405 handler: Quarkus REST serves every path, so a wrong method is its 405 (ProblemMappers, with Allow).
    }

    private void failed(RoutingContext rc) {
        int status = rc.statusCode();
        Throwable failure = rc.failure();
        if (status == -1 && failure instanceof HttpException http) {
            status = http.getStatusCode();
        }
        if (rc.response().ended() || rc.response().closed()) {
            // The connection is gone (a broken chunked body, a client that hung up): nobody to answer.
            Rejections.record(400, "connection closed: " + describe(failure));
            return;
        }
        if (OWNED.contains(status)) {
            refused(rc, status);
        } else if (failure instanceof HttpClosedException || failure instanceof DecoderException
                || failure instanceof NumberFormatException || (status == 200 && failure != null)) {
            // Reading the body failed (Vert.x Web's body handler fails with 200 and the stream's exception).
            HttpLimits.refuse(rc, 400, "bad-request", "Bad request", "The request body could not be read"
                    + " (for example a malformed chunk).");
        } else {
            // Not the HTTP layer's to answer (authentication, a bug in a route): the next failure handler.
            rc.next();
        }
    }

    private void refused(RoutingContext rc, int status) {
        switch (status) {
            case 400 -> {
                String detail = rc.request().version() != io.vertx.core.http.HttpVersion.HTTP_1_0
                        && rc.request().authority() == null
                                ? "The request has no Host header (required in HTTP/1.1)."
                                : "The request line, path or query cannot be decoded (for example invalid"
                                        + " percent-encoding, or a character that must be percent-encoded).";
                HttpLimits.refuse(rc, 400, "bad-request", "Bad request", detail);
            }
            case 413 -> HttpLimits.refuse(rc, 413, "payload-too-large", "Payload too large",
                    "The request body is larger than " + maxBodyBytes + " bytes.");
            case 414 -> HttpLimits.refuse(rc, 414, "uri-too-long", "URI too long", "The request target is too long.");
            case 431 -> HttpLimits.refuse(rc, 431, "headers-too-large", "Request header fields too large",
                    "The request headers are too large.");
            default -> {
                String title = io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase();
                HttpLimits.refuse(rc, status, title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-'), title,
                        status == 417 ? "Only the expectation 100-continue is supported." : title + ".");
            }
        }
    }

    private static String describe(Throwable failure) {
        return failure == null ? "no cause" : failure.getClass().getSimpleName();
    }
}
