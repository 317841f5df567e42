package dev.triage.api;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Triage's request limits, answered with problem+json before any body is read: a request target
 * longer than {@code triage.http.max-uri-length} is a 414, a header section larger than
 * {@code triage.http.max-header-size} a 431, a body larger than
 * {@code quarkus.http.limits.max-body-size} a 413 (by its Content-Length, or while a chunked body
 * is read). The HTTP decoder's own ceilings ({@code quarkus.http.limits.max-initial-line-length},
 * {@code max-header-size}) are set higher, so that only requests far beyond these limits meet
 * Vert.x's bare answer.
 */
@ApplicationScoped
public class HttpLimits {

    private final long maxBodyBytes;
    private final int maxUriLength;
    private final long maxHeaderBytes;
    private final BodyHandler chunkedBody;

    public HttpLimits(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBody,
            @ConfigProperty(name = "triage.http.max-uri-length") int maxUriLength,
            @ConfigProperty(name = "triage.http.max-header-size") MemorySize maxHeaders) {
        this.maxBodyBytes = maxBody.asLongValue();
        this.maxUriLength = maxUriLength;
        this.maxHeaderBytes = maxHeaders.asLongValue();
        this.chunkedBody = BodyHandler.create(false).setBodyLimit(maxBodyBytes).setMergeFormAttributes(false)
                .setDeleteUploadedFilesOnEnd(true);
    }

    void install(@Observes Router router) {
        // After RequestIds (MIN_VALUE), so every refusal carries the request id.
        router.route().order(Integer.MIN_VALUE + 1).handler(this::check);
        // A body without Content-Length (chunked, or HTTP/2) is read here, up to the limit, before
        // Quarkus REST would: past the limit, the 413 is a problem (HttpErrors) instead of the bare
        // 413 and the two ERROR stack traces Quarkus REST's blocking reader gives.
        router.route().order(Integer.MIN_VALUE + 2).handler(rc -> {
            if (hasUnsizedBody(rc)) {
                chunkedBody.handle(rc);
            } else {
                rc.next();
            }
        });
    }

    private void check(RoutingContext rc) {
        String uri = rc.request().uri();
        if (uri != null && uri.length() > maxUriLength) {
            refuse(rc, 414, "uri-too-long", "URI too long",
                    "The request target is longer than " + maxUriLength + " characters.");
            return;
        }
        if (!isValidUri(uri)) {
            // The check Quarkus would have made (see UriValidation), answered as a problem.
            refuse(rc, 400, "bad-request", "Bad request", "The request target is not a valid URI (for example invalid"
                    + " percent-encoding, or a character such as { | \\ or a space that must be percent-encoded).");
            return;
        }
        long headerBytes = 0;
        for (Map.Entry<String, String> header : rc.request().headers()) {
            headerBytes += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headerBytes > maxHeaderBytes) {
            refuse(rc, 431, "headers-too-large", "Request header fields too large",
                    "The request headers are larger than " + maxHeaderBytes + " bytes.");
            return;
        }
        String length = rc.request().getHeader("Content-Length");
        if (length != null && isTooLong(length)) {
            refuse(rc, 413, "payload-too-large", "Payload too large",
                    "The request body is larger than " + maxBodyBytes + " bytes.");
            return;
        }
        rc.next();
    }

    private static boolean hasUnsizedBody(RoutingContext rc) {
        if (rc.request().getHeader("Content-Length") != null) {
            return false;
        }
        return rc.request().version() == HttpVersion.HTTP_2 ? !rc.request().isEnded()
                : rc.request().getHeader("Transfer-Encoding") != null;
    }

    /**
     * Hands a body read here (chunked, up to the limit) to Quarkus REST: its non-blocking input
     * handler would otherwise find the request ended and read nothing.
     */
    @ServerRequestFilter
    public void useBufferedBody(ContainerRequestContext request, RoutingContext rc) {
        RequestBody body = rc.body();
        if (body != null && body.available() && body.buffer() != null) {
            request.setEntityStream(new ByteArrayInputStream(body.buffer().getBytes()));
        }
    }

    static void refuse(RoutingContext rc, int status, String slug, String title, String detail) {
        refuse(rc, status, slug, title, detail, Map.of());
    }

    static void refuse(RoutingContext rc, int status, String slug, String title, String detail,
            Map<String, String> headers) {
        Rejections.record(status, title);
        MetricTags.unmatched(rc);
        HttpProblems.send(rc, status, slug, title, detail, true, headers);
    }

    static boolean isValidUri(String uri) {
        if (uri == null) {
            return false;
        }
        try {
            new URI(uri);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private boolean isTooLong(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
