package dev.triage.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;

/**
 * Answers an oversized body with a problem+json 413 before it is read. (The HTTP layer's own
 * limit still stops chunked bodies without a Content-Length, with a bare 413.)
 */
@ApplicationScoped
public class BodyLimit {

    private final long maxBytes;

    public BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize max) {
        this.maxBytes = max.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(rc -> {
            String length = rc.request().getHeader("Content-Length");
            if (length != null && isTooLong(length)) {
                Problem problem = new Problem(Problem.TYPE_PREFIX + "payload-too-large", "Payload too large", 413,
                        "The request body is larger than " + maxBytes + " bytes.", rc.request().path(),
                        RequestIds.of(rc), null, null);
                rc.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .putHeader("Connection", "close").end(Json.encode(problem));
                return;
            }
            rc.next();
        });
    }

    private boolean isTooLong(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
