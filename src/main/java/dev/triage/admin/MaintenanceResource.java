package dev.triage.admin;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.triage.api.AdminGuard;
import dev.triage.api.ProblemException;
import dev.triage.database.MaintenanceMode;
import dev.triage.database.SharedMaintenance;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/admin/maintenance")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin", description = "Operator controls (admin token)")
public class MaintenanceResource {

    /** The requested setting; a reason is required to switch it on; retryAfterSeconds defaults to 60. */
    public record Setting(@NotNull Boolean enabled, @Size(max = 500) String reason,
            @Min(1) @Max(86400) Integer retryAfterSeconds) {
    }

    private final MaintenanceMode maintenance;
    private final SharedMaintenance shared;
    private final AdminGuard admin;

    public MaintenanceResource(MaintenanceMode maintenance, SharedMaintenance shared, AdminGuard admin) {
        this.maintenance = maintenance;
        this.shared = shared;
        this.admin = admin;
    }

    @GET
    @Operation(summary = "Whether writes are paused, why, and since when (admin token)",
            description = "The state in force on the replica that answers, from memory: source says which switch"
                    + " decided it (database, file or default) and sharedReadAt when the shared setting was last read.")
    public MaintenanceMode.State get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        admin.require(authorization);
        return maintenance.state();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Switch maintenance mode (admin token)",
            description = "While on, writes answer 503 (type maintenance) with the reason and Retry-After; reads and"
                    + " prompts keep working. Stored in the database: every replica follows within 2 s. While the"
                    + " database is unreachable this answers 503; use the maintenance file (triage.maintenance.file).")
    public Uni<MaintenanceMode.State> put(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Valid @NotNull Setting setting) {
        admin.require(authorization);
        if (setting.enabled() && (setting.reason() == null || setting.reason().isBlank())) {
            throw ProblemException.badRequest("reason", "is required to switch maintenance on");
        }
        int retryAfter = setting.retryAfterSeconds() == null ? 60 : setting.retryAfterSeconds();
        return shared.set(setting.enabled(), setting.reason(), retryAfter);
    }
}
