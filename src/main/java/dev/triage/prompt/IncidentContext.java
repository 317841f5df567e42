package dev.triage.prompt;

import java.util.Map;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.triage.api.Text;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a prompt is made from: the seed's seven fields plus optional service, database, labels
 * and a log excerpt. Missing optional fields take the defaults of {@link #withDefaults()}.
 */
// Hashed with Jackson for idempotency (RequestHash) besides being a REST body.
@RegisterForReflection
@Schema(name = "IncidentContext")
public record IncidentContext(
        @Schema(required = true, maxLength = 2000, examples = "API returning 500 errors")
        @Text(max = 2000, required = true, multiline = true) String issueDescription,
        @Schema(maxLength = 4000, examples = "Internal Server Error: Database connection failed")
        @Text(max = 4000, multiline = true) String errorMessage,
        @Schema(defaultValue = "production") Environment environment,
        @Schema(defaultValue = "other") Language language,
        @Schema(defaultValue = "medium") Urgency urgency,
        @Schema(defaultValue = "true") Boolean includeLogs,
        @Schema(defaultValue = "true") Boolean includeSolutions,
        @Schema(maxLength = 100)
        @Text(max = 100) @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._/-]*", message = "must be a name (letters, digits, . _ / -)")
        String service,
        @Schema(defaultValue = "postgresql") DatabaseKind database,
        @Schema(description = "At most 20 labels; keys up to 63 characters, values up to 256")
        @Size(max = 20) Map<
                @Text(max = 63, required = true) @Pattern(regexp = "[A-Za-z0-9_.:/-]+", message = "must be a label name (letters, digits, _ . : / -)") String,
                @Text(max = 256, required = true) String> labels,
        @Schema(maxLength = 16000, description = "Log lines; tabs and line breaks are kept")
        @Text(max = 16000, multiline = true) String logExcerpt) {

    /** The same context with every optional field filled in. */
    public IncidentContext withDefaults() {
        return new IncidentContext(issueDescription.strip(), blankToNull(errorMessage),
                environment == null ? Environment.PRODUCTION : environment,
                language == null ? Language.OTHER : language,
                urgency == null ? Urgency.MEDIUM : urgency,
                includeLogs == null || includeLogs,
                includeSolutions == null || includeSolutions,
                blankToNull(service),
                database == null ? DatabaseKind.POSTGRESQL : database,
                labels == null ? Map.of() : Map.copyOf(labels),
                blankToNull(logExcerpt));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
