package dev.triage.api;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.MDC;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is sane, else the trace
 * id of a W3C {@code traceparent}, else a new UUID. Returned in the {@code X-Request-Id}
 * response header and in every problem+json.
 */
@ApplicationScoped
public class RequestIds {

    public static final String HEADER = "X-Request-Id";
    static final String KEY = "triage.requestId";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}");

    void install(@Observes Router router) {
        // Runs before every other handler, including the body handler, so 413s carry an id too.
        router.route().order(Integer.MIN_VALUE).handler(rc -> {
            ensure(rc);
            rc.next();
        });
    }

    /**
     * The request's id, assigned now if no handler has yet (a request refused while it is being
     * routed, before any handler ran, still gets one).
     */
    public static String ensure(RoutingContext rc) {
        String id = rc.get(KEY);
        if (id != null) {
            return id;
        }
        id = fromHeaders(rc.request().getHeader(HEADER), rc.request().getHeader("traceparent"));
        rc.put(KEY, id);
        // Quarkus keeps the MDC per request (Vert.x duplicated context): every log line of it
        // carries the id (the JSON logs' mdc, %X{requestId} on the console).
        MDC.put("requestId", id);
        if (!rc.response().headWritten()) {
            rc.response().putHeader(HEADER, id);
        }
        return id;
    }

    public static String of(RoutingContext rc) {
        if (rc == null) {
            return newId();
        }
        String id = rc.get(KEY);
        return id != null ? id : newId();
    }

    static String fromHeaders(String requestId, String traceparent) {
        if (requestId != null && SANE.matcher(requestId).matches()) {
            return requestId;
        }
        if (traceparent != null) {
            var m = TRACEPARENT.matcher(traceparent.trim());
            if (m.matches()) {
                return m.group(1);
            }
        }
        return newId();
    }

    /**
     * A random version-4 UUID from ThreadLocalRandom: a request id needs uniqueness, not secrecy,
     * and UUID.randomUUID() draws from the shared SecureRandom on every request.
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
