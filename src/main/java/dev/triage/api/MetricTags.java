package dev.triage.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.quarkus.micrometer.runtime.HttpServerMetricsTagsContributor;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Keeps the {@code uri} tag of the HTTP server metrics bounded: a route template
 * ({@code /api/v1/incidents/{id}}) or a fixed value, never a path a client made up. Quarkus REST
 * sets the template of the resource method it matched; every other request (an unknown path, a
 * refused request, a connection reset before routing) is marked as unmatched here first, and the
 * filter names those {@code NOT_FOUND} (404) or {@code UNKNOWN}, as Quarkus does. A request the
 * HTTP decoder refuses (a header line that is not one, headers or URI beyond its ceiling) never
 * reaches the router and carries its raw path: {@link #unroutedRequests} names it {@code UNKNOWN}.
 * <p>
 * Quarkus's own {@code suppress4xx-errors} would do the last part too, but it also tags every
 * 4xx and 5xx of a route without path parameters {@code UNKNOWN} (it cannot tell the template
 * {@code /api/v1/alerts/alertmanager} from a raw path): the 503s an outage causes would vanish
 * from the route they belong to.
 */
@ApplicationScoped
public class MetricTags {

    /** The context key Quarkus REST and the Micrometer binder share for the matched template. */
    static final String TEMPLATE_KEY = "UrlPathTemplate";
    static final String UNMATCHED = "/triage-unmatched-request";
    /** Set on every request the router sees; absent on those the HTTP decoder answered itself. */
    static final String ROUTED = "triage.routed";

    private final String nonApplicationRoot;

    public MetricTags(@ConfigProperty(name = "quarkus.http.non-application-root-path", defaultValue = "q") String root) {
        String trimmed = root.replaceAll("^/+|/+$", "");
        this.nonApplicationRoot = "/" + trimmed + "/";
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(rc -> {
            if (rc.request() instanceof HttpServerRequestInternal request && request.context() != null) {
                request.context().putLocal(ROUTED, Boolean.TRUE);
            }
            // Health, metrics and OpenAPI are fixed routes the binder measures (or suppresses) by path.
            if (!rc.request().path().startsWith(nonApplicationRoot)) {
                unmatched(rc);
            }
            rc.next();
        });
    }

    /** Marks the request as matching no route template, unless one is set already. */
    static void unmatched(RoutingContext rc) {
        if (rc.request() instanceof HttpServerRequestInternal request && request.context() != null
                && request.context().getLocal(TEMPLATE_KEY) == null) {
            request.context().putLocal(TEMPLATE_KEY, UNMATCHED);
        }
    }

    @Produces
    @Singleton
    HttpServerMetricsTagsContributor unroutedRequests() {
        // Tags given here replace the binder's own of the same key.
        return context -> context.requestContextLocalData(ROUTED) == null
                ? Tags.of("uri", "UNKNOWN")
                : Tags.empty();
    }

    @Produces
    @Singleton
    MeterFilter unmatchedUris() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (!id.getName().startsWith("http.server") || !UNMATCHED.equals(id.getTag("uri"))) {
                    return id;
                }
                String value = "404".equals(id.getTag("status")) ? "NOT_FOUND" : "UNKNOWN";
                return id.replaceTags(id.getTags().stream()
                        .map(tag -> tag.getKey().equals("uri") ? Tag.of("uri", value) : tag).toList());
            }
        };
    }
}
