package dev.triage.prompt;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/** Lists the accepted database and language ids (data, not enums) as the enumerations of their schemas. */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class StackIdsOpenApiFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null || openAPI.getComponents().getSchemas() == null) {
            return;
        }
        enumerate(openAPI.getComponents().getSchemas().get("DatabaseKind"), DatabaseKind.values().stream().map(DatabaseKind::id).toList());
        enumerate(openAPI.getComponents().getSchemas().get("Language"), Language.values().stream().map(Language::id).toList());
    }

    private static void enumerate(Schema schema, List<String> ids) {
        if (schema != null) {
            schema.setEnumeration(new ArrayList<>(ids));
        }
    }
}
