package dev.triage.prompt;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A debugging prompt as data: the markdown rendering and the JSON representation are both
 * made from this, so they always carry the same content. Sections are numbered after the ones
 * left out (logs, solutions, rollback) are dropped.
 */
@Schema(name = "Prompt")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PromptDocument(
        String title,
        List<Field> context,
        Match match,
        List<Section> sections,
        List<Field> nextSteps,
        List<String> resources,
        List<String> closingPriorities) {

    /**
     * How the root causes were ranked: {@code confidence} is {@code strong} (the first cause is a
     * finding: a code, an exception name or a specific phrase matched, ahead of the rest),
     * {@code weak} (only generic words matched, or two causes tie) or {@code none} (nothing matched;
     * the causes are in the catalogue's default order). {@code score} and {@code matched} are the
     * first cause's; {@code strongFrom} is the score from which a match counts as strong.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Match(String confidence, String playbookId, int score, List<String> matched, int strongFrom) {
    }

    /** A labelled value: an Issue Context line or a Next Steps line. */
    public record Field(String label, String value) {
    }

    /** Code in a language, as fenced in the markdown. */
    public record Code(String language, String source) {
    }

    /**
     * A numbered or lettered item: a diagnostic step, a mitigation action or a long-term practice.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Item(String label, String title, String text, List<String> bullets, Code code,
            List<String> lookFor) {
    }

    /**
     * A ranked root cause from the playbook catalogue, with its score and what in the incident
     * matched its rules (empty when nothing did); solutions and prevention may be left out.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RootCause(String label, String playbookId, String title, String category, int score,
            List<String> matched, String symptom, List<String> solutions, String prevention, Code diagnose) {
    }

    /**
     * One numbered part of the debugging strategy; which fields are set depends on {@code id}:
     * immediate-assessment (headline, text), diagnostic-steps (items), common-root-causes
     * (rootCauses), immediate-mitigation (items), long-term-solutions (items), log-analysis-checklist
     * and prevention-checklist (intro, checklist), emergency-rollback-plan (intro, steps).
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Section(int number, String id, String title, String headline, String text, List<Item> items,
            List<RootCause> rootCauses, String intro, List<String> checklist, List<String> steps) {
    }
}
