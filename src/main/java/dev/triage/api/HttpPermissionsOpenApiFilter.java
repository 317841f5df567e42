package dev.triage.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Documents the access that HTTP permissions in the configuration decide, from the configuration
 * in force: an endpoint that is {@code @PermitAll} in code but guarded by an enabled
 * {@code quarkus.http.auth.permission.<name>} with a roles policy (POST /api/v1/prompts, unless
 * triage.auth.prompts-require-token=false) gets that policy's roles as its security requirement,
 * and 401/403. Annotation scanning at build time cannot see these: they change without a rebuild.
 * It runs when the document is served, not at startup: rebuilding the document at startup was
 * ~10 % of the CPU to the first answer (docs/PERFORMANCE.md), and the document is rarely read.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_PER_REQUEST)
public class HttpPermissionsOpenApiFilter implements OASFilter {

    private static final Pattern PERMISSION_PATHS = Pattern.compile("quarkus\\.http\\.auth\\.permission\\.([^.]+)\\.paths");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        Config config = ConfigProvider.getConfig();
        for (String property : config.getPropertyNames()) {
            Matcher permission = PERMISSION_PATHS.matcher(property);
            if (!permission.matches()) {
                continue;
            }
            String prefix = "quarkus.http.auth.permission." + permission.group(1) + ".";
            if (!config.getOptionalValue(prefix + "enabled", Boolean.class).orElse(true)) {
                continue;
            }
            Optional<List<String>> roles = roles(config, config.getOptionalValue(prefix + "policy", String.class).orElse(""));
            if (roles.isEmpty()) {
                continue; // permit, deny, or a policy that is not about roles: nothing to document as a token
            }
            List<String> paths = config.getOptionalValues(prefix + "paths", String.class).orElse(List.of());
            List<String> methods = config.getOptionalValues(prefix + "methods", String.class).orElse(List.of());
            for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
                if (!paths.stream().anyMatch(pattern -> matches(pattern, path.getKey()))) {
                    continue;
                }
                for (Map.Entry<PathItem.HttpMethod, Operation> operation : path.getValue().getOperations().entrySet()) {
                    if (methods.isEmpty() || methods.stream().anyMatch(m -> m.equalsIgnoreCase(operation.getKey().name()))) {
                        require(operation.getValue(), roles.get());
                    }
                }
            }
        }
    }

    private static void require(Operation operation, List<String> roles) {
        if (operation.getSecurity() != null && !operation.getSecurity().isEmpty()) {
            return; // the annotations already require a token; they are checked first
        }
        operation.setSecurity(new ArrayList<>(List.of(OASFactory.createSecurityRequirement()
                .addScheme(ProblemResponsesFilter.SECURITY_SCHEME, new ArrayList<>(roles)))));
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        ProblemResponsesFilter.secured(operation.getResponses());
    }

    /** The roles a policy requires; "authenticated" requires a token with any role. */
    private static Optional<List<String>> roles(Config config, String policy) {
        return switch (policy.toLowerCase(Locale.ROOT)) {
            case "permit", "deny", "" -> Optional.empty();
            case "authenticated" -> Optional.of(List.of());
            default -> config.getOptionalValues("quarkus.http.auth.policy." + policy + ".roles-allowed", String.class);
        };
    }

    /** Quarkus path permissions: an exact path, or a prefix ending in "/*". */
    private static boolean matches(String pattern, String path) {
        if (pattern.endsWith("/*")) {
            String prefix = pattern.substring(0, pattern.length() - 2);
            return path.equals(prefix) || path.startsWith(prefix + "/");
        }
        return pattern.equals(path);
    }
}
