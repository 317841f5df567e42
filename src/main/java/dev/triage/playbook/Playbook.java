package dev.triage.playbook;

import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.triage.api.Text;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One root cause of the catalogue: how to recognise it in an error message, what it looks
 * like, how to fix and prevent it, and the commands that confirm it, per database.
 */
// Read and written with Jackson outside REST too (classpath catalogue, jsonb columns): keep it in native images.
@RegisterForReflection
@Schema(name = "Playbook")
public record Playbook(
        @Schema(readOnly = true) String id,
        @NotNull @PositiveOrZero Integer position,
        @Text(max = 120, required = true) String title,
        @Text(max = 40, required = true) String category,
        @Text(max = 1000, required = true, multiline = true) String symptom,
        @NotNull @Valid MatchRules match,
        @NotEmpty @Size(max = 20) List<@Text(max = 500, required = true, multiline = true) String> solutions,
        @Text(max = 1000, required = true, multiline = true) String prevention,
        @NotNull @Size(max = 10) Map<@Text(max = 40, required = true) String, @NotEmpty @Size(max = 20) List<@Text(max = 500, required = true, multiline = true) String>> commands,
        @Schema(readOnly = true) Integer version) {

    /** What in an error message points at this cause. */
    @RegisterForReflection
    @Schema(name = "MatchRules")
    public record MatchRules(
            @NotNull @Size(max = 50) List<@jakarta.validation.constraints.NotBlank @jakarta.validation.constraints.Pattern(regexp = "[0-9A-Z]{5}",
                    message = "must be a five-character SQLSTATE") String> sqlstates,
            @NotNull @Size(max = 50) List<@Text(max = 100, required = true) String> exceptions,
            @NotNull @Size(max = 100) List<@Text(max = 100, required = true) String> keywords) {
    }

    public Playbook withId(String newId, int newVersion) {
        return new Playbook(newId, position, title, category, symptom, match, solutions, prevention, commands, newVersion);
    }

    /** The commands for a database, falling back to PostgreSQL's (Triage's own) for others. */
    public List<String> commandsFor(String database) {
        List<String> own = commands.get(database);
        return own != null ? own : commands.getOrDefault("postgresql", List.of());
    }
}
