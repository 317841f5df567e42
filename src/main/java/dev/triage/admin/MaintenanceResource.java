package dev.triage.admin;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
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
import dev.triage.api.Text;
import dev.triage.api.TextValidator;
import dev.triage.database.MaintenanceMode;

@Path("/api/v1/admin/maintenance")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Admin", description = "Operator controls (admin token)")
public class MaintenanceResource {

    /** The requested setting; a reason is required to switch it on; retryAfterSeconds defaults to 60. */
    public record Setting(@NotNull Boolean enabled, @Text(max = 500) String reason,
            @Min(1) @Max(86400) Integer retryAfterSeconds) {
    }

    private final MaintenanceMode maintenance;
    private final AdminGuard admin;

    public MaintenanceResource(MaintenanceMode maintenance, AdminGuard admin) {
        this.maintenance = maintenance;
        this.admin = admin;
    }

    @GET
    @Operation(summary = "Whether writes are paused, why, and since when (admin token)")
    public MaintenanceMode.State get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        admin.require(authorization);
        return maintenance.state();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Switch maintenance mode (admin token)",
            description = "While on, writes answer 503 (type maintenance) with the reason and Retry-After; reads and"
                    + " prompts keep working. Applies to the replica that receives it.")
    public MaintenanceMode.State put(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Valid @NotNull Setting setting) {
        admin.require(authorization);
        if (setting.enabled() && TextValidator.isBlank(setting.reason())) {
            throw ProblemException.badRequest("reason", "is required to switch maintenance on");
        }
        int retryAfter = setting.retryAfterSeconds() == null ? 60 : setting.retryAfterSeconds();
        return maintenance.set(setting.enabled(), setting.reason(), retryAfter);
    }
}
