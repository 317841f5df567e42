package dev.triage.prompt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import dev.triage.playbook.Playbook;

/**
 * Orders the playbooks by how well their match rules fit the incident's text. A SQLSTATE in the
 * text is near-proof (the server named the cause), an exception name is strong evidence, each
 * keyword adds a little, more for a longer phrase ("connection is not available" says more than
 * "timed out"). Ties keep the catalogue's order.
 */
public final class RootCauseRanker {

    public static final int SQLSTATE_WEIGHT = 100;
    public static final int EXCEPTION_WEIGHT = 40;
    /** Per word of a matching keyword phrase. */
    public static final int KEYWORD_WEIGHT = 10;

    /** A playbook and its score for one incident. */
    public record Ranked(Playbook playbook, int score) {
    }

    private RootCauseRanker() {
    }

    public static List<Ranked> rank(IncidentContext context, List<Playbook> playbooks) {
        return rank(context, playbooks, Map.of());
    }

    /**
     * Ranks with extra evidence from outside the text, such as Triage's live classification of
     * its own database failures: {@code boosts} adds to a playbook's score by id.
     */
    public static List<Ranked> rank(IncidentContext context, List<Playbook> playbooks, Map<String, Integer> boosts) {
        String text = String.join("\n", nonNull(context.errorMessage()), nonNull(context.issueDescription()),
                nonNull(context.logExcerpt()));
        String lower = text.toLowerCase(Locale.ROOT);
        List<Ranked> ranked = new ArrayList<>();
        for (Playbook p : playbooks) {
            ranked.add(new Ranked(p, score(p.match(), text, lower) + boosts.getOrDefault(p.id(), 0)));
        }
        ranked.sort(Comparator.comparingInt(Ranked::score).reversed()
                .thenComparingInt(r -> r.playbook().position()));
        return ranked;
    }

    static int score(Playbook.MatchRules rules, String text, String lower) {
        int score = 0;
        for (String state : rules.sqlstates()) {
            if (containsWord(text, state)) {
                score += SQLSTATE_WEIGHT;
            }
        }
        for (String exception : rules.exceptions()) {
            if (containsWord(text, exception)) {
                score += EXCEPTION_WEIGHT;
            }
        }
        for (String keyword : rules.keywords()) {
            if (lower.contains(keyword.toLowerCase(Locale.ROOT))) {
                score += KEYWORD_WEIGHT * keyword.trim().split("\\s+").length;
            }
        }
        return score;
    }

    /** Whole-word match, so that 53300 does not match 153300 nor ConnectException ConnectExceptions. */
    private static boolean containsWord(String text, String word) {
        return WORDS.computeIfAbsent(word,
                w -> Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(w) + "(?![A-Za-z0-9])")).matcher(text).find();
    }

    /** Compiled once per SQLSTATE or exception name (a catalogue has a few dozen). */
    private static final Map<String, Pattern> WORDS = new ConcurrentHashMap<>();

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
