package dev.triage.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An RFC 9457 problem detail, the body of every error response. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "RFC 9457 problem details; database failures add category")
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String instance,
        String requestId,
        @Schema(description = "Database failure category: service-down, pool-exhausted, network, authentication,"
                + " resource-exhaustion, read-only, timeout, migration-pending") String category,
        @Schema(description = "One entry per invalid field") List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_PREFIX = "urn:triage:problem:";
    private static final java.util.regex.Pattern PRINTABLE_PATH = java.util.regex.Pattern.compile("/[\\x21-\\x7E]{0,255}");

    /** The request path as the problem's instance, unless it is absurd (too long, not printable ASCII). */
    public static String instanceFor(String path) {
        return path != null && PRINTABLE_PATH.matcher(path).matches() ? path : null;
    }

    /**
     * One invalid field: its dotted name ({@code labels.team}, {@code solutions[2]}), what is wrong,
     * and where body fields are concerned, its RFC 6901 JSON pointer ({@code /labels/team}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldError(String field, String message, String pointer) {

        public FieldError(String field, String message) {
            this(field, message, null);
        }
    }
}
