package dev.triage.admin;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.triage.api.ProblemException;
import dev.triage.api.Roles;
import dev.triage.api.Text;
import dev.triage.api.TextValidator;
import dev.triage.database.MaintenanceMode;
import dev.triage.database.SharedMaintenance;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/admin/maintenance")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin", description = "Operator controls (admin role)")
public class MaintenanceResource {

    /** The requested setting; a reason is required to switch it on; retryAfterSeconds defaults to 60. */
    public record Setting(@NotNull Boolean enabled, @Text(max = 500) String reason,
            @Min(1) @Max(86400) Integer retryAfterSeconds) {
    }

    private final MaintenanceMode maintenance;
    private final SharedMaintenance shared;

    public MaintenanceResource(MaintenanceMode maintenance, SharedMaintenance shared) {
        this.maintenance = maintenance;
        this.shared = shared;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Whether writes are paused, why, and since when (admin role)",
            description = "The state in force on the replica that answers, from memory: source says which switch"
                    + " decided it (database, file or default) and sharedReadAt when the shared setting was last read.")
    public MaintenanceMode.State get() {
        return maintenance.state();
    }

    @PUT
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Switch maintenance mode (admin role)",
            description = "While on, writes answer 503 (type maintenance) with the reason and Retry-After; reads and"
                    + " prompts keep working. Stored in the database: every replica follows within 2 s. While the"
                    + " database is unreachable this answers 503; use the maintenance file (triage.maintenance.file).")
    public Uni<MaintenanceMode.State> put(@Valid @NotNull Setting setting) {
        if (setting.enabled() && TextValidator.isBlank(setting.reason())) {
            throw ProblemException.badRequest("reason", "is required to switch maintenance on");
        }
        int retryAfter = setting.retryAfterSeconds() == null ? 60 : setting.retryAfterSeconds();
        return shared.set(setting.enabled(), setting.reason(), retryAfter);
    }
}
