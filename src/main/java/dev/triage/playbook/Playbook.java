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

    /**
     * What in an error message points at this cause: SQLSTATEs (PostgreSQL and MySQL), a
     * database's own error codes and names ({@code mysql:1205}, {@code mongodb:11600},
     * {@code redis:READONLY}), exception class names and keyword phrases. {@code codes} is optional
     * (playbooks written before it existed have none).
     */
    @RegisterForReflection
    @Schema(name = "MatchRules")
    public record MatchRules(
            @NotNull @Size(max = 50) List<@jakarta.validation.constraints.NotBlank @jakarta.validation.constraints.Pattern(regexp = "[0-9A-Z]{5}",
                    message = "must be a five-character SQLSTATE") String> sqlstates,
            @Schema(description = "database:code, e.g. mysql:1205, mongodb:11600, redis:READONLY; a number matches"
                    + " where the text names it as an error code, a name as a whole word")
            @Size(max = 50) List<@jakarta.validation.constraints.NotBlank @jakarta.validation.constraints.Pattern(regexp = "[a-z][a-z0-9]{0,19}:[A-Za-z0-9_]{1,60}",
                    message = "must be database:code, e.g. mysql:1205 or redis:READONLY") String> codes,
            @NotNull @Size(max = 50) List<@Text(max = 100, required = true) String> exceptions,
            @NotNull @Size(max = 100) List<@Text(max = 100, required = true) String> keywords) {

        public MatchRules {
            codes = codes == null ? List.of() : codes;
        }
    }

    public Playbook withId(String newId, int newVersion) {
        return new Playbook(newId, position, title, category, symptom, match, solutions, prevention, commands, newVersion);
    }

    /**
     * The commands for a database; {@code any} holds the ones that do not depend on the database
     * (an application's memory, an upstream service). Empty when neither exists: a MongoDB user
     * never gets PostgreSQL commands.
     */
    public List<String> commandsFor(String database) {
        List<String> own = commands.get(database);
        return own != null ? own : commands.getOrDefault(ANY_DATABASE, List.of());
    }

    /** The commands key for commands that fit every database. */
    public static final String ANY_DATABASE = "any";
}
