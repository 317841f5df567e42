package dev.triage.admin;

import java.util.Map;

import jakarta.ws.rs.POST;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.triage.api.Roles;
import dev.triage.api.ProblemException;
import dev.triage.database.GuardedPool;
import io.quarkus.logging.Log;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

@Path("/api/v1/admin/circuit-breakers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin")
public class CircuitBreakerResource {

    private final CircuitBreakerMaintenance breakers;
    private final SecurityIdentity caller;

    public CircuitBreakerResource(CircuitBreakerMaintenance breakers, SecurityIdentity caller) {
        this.breakers = breakers;
        this.caller = caller;
    }

    @POST
    @Path("/{name}/reset")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Close a circuit breaker and forget its history (admin role)",
            description = "For after a fix, when waiting for the breaker's own half-open probe is not wanted.")
    public Map<String, String> reset(@PathParam("name") String name) {
        if (!GuardedPool.BREAKER.equals(name)) {
            throw ProblemException.notFound("No circuit breaker named '" + name + "' (known: " + GuardedPool.BREAKER + ").");
        }
        String before = breakers.currentState(name).name().toLowerCase();
        breakers.reset(name);
        Log.infof("Circuit breaker '%s' reset by %s (was %s)", name, caller.getPrincipal().getName(), before);
        return Map.of("name", name, "previousState", before, "state",
                breakers.currentState(name).name().toLowerCase());
    }
}
