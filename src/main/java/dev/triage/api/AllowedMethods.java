package dev.triage.api;

import java.util.ArrayList;
import java.util.Map;
import java.util.TreeSet;

import org.jboss.resteasy.reactive.server.core.Deployment;
import org.jboss.resteasy.reactive.server.handlers.ClassRoutingHandler;
import org.jboss.resteasy.reactive.server.handlers.RestInitialHandler;
import org.jboss.resteasy.reactive.server.mapping.RequestMapper;
import org.jboss.resteasy.reactive.server.mapping.RuntimeResource;

import io.quarkus.resteasy.reactive.server.runtime.ResteasyReactiveRecorder;

/**
 * The methods a path supports, for the {@code Allow} header of a 405 (RFC 9110 15.5.6). Quarkus
 * REST throws its 405 without one; this asks its routing tables the way it matches a request
 * (Quarkus's own ObservabilityIntegrationRecorder does the same to find a route template).
 */
final class AllowedMethods {

    private static volatile RequestMapper<RestInitialHandler.InitialMatch> classes;

    private AllowedMethods() {
    }

    /** e.g. "GET, HEAD, OPTIONS, PATCH"; empty when the path matches no resource. */
    static String of(String path) {
        Deployment deployment = ResteasyReactiveRecorder.getCurrentDeployment();
        if (deployment == null || path == null) {
            return "";
        }
        String prefix = deployment.getPrefix();
        if (prefix != null && !prefix.isEmpty() && !prefix.equals("/") && path.startsWith(prefix)) {
            path = path.substring(prefix.length());
        }
        TreeSet<String> allowed = new TreeSet<>();
        RequestMapper<RestInitialHandler.InitialMatch> mapper = mapper(deployment);
        RequestMapper.RequestMatch<RestInitialHandler.InitialMatch> match = mapper.map(path);
        while (match != null) {
            if (match.value.handlers != null && match.value.handlers.length > 0
                    && match.value.handlers[0] instanceof ClassRoutingHandler routing) {
                String remaining = match.remaining.isEmpty() ? "/" : match.remaining;
                for (Map.Entry<String, RequestMapper<RuntimeResource>> entry : routing.getMappers().entrySet()) {
                    if (entry.getKey() != null && entry.getValue().map(remaining) != null) {
                        allowed.add(entry.getKey());
                    }
                }
            }
            match = mapper.continueMatching(path, match);
        }
        if (allowed.isEmpty()) {
            return "";
        }
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        allowed.add("OPTIONS");
        return String.join(", ", allowed);
    }

    private static RequestMapper<RestInitialHandler.InitialMatch> mapper(Deployment deployment) {
        RequestMapper<RestInitialHandler.InitialMatch> mapper = classes;
        if (mapper == null) {
            mapper = new RequestMapper<>(new ArrayList<>(deployment.getClassMappers()));
            classes = mapper;
        }
        return mapper;
    }
}
