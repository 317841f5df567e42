package dev.triage.prompt;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.triage.playbook.Playbook;

/**
 * Orders the playbooks by how well their match rules fit the incident's text, and says how much
 * that order is worth. A SQLSTATE or a database's own error code in the text is near-proof (the
 * server named the cause), an exception name is strong evidence, each keyword adds a little, more
 * for a longer phrase ("lock wait timeout exceeded" says more than "timeout"). Ties keep the
 * catalogue's order, which is also the default order when nothing matches.
 *
 * <p>The rules are compiled once per catalogue (the catalogue changes rarely; prompts are
 * frequent): one pass over the text finds its words and the numbers written as error codes, and
 * one Aho-Corasick pass every keyword phrase, so a 16 KB log excerpt costs one scan, not one per rule.
 */
public final class RootCauseRanker {

    public static final int SQLSTATE_WEIGHT = 100;
    /** A database's own error code or name (mysql:1205, redis:READONLY): as telling as a SQLSTATE. */
    public static final int CODE_WEIGHT = 100;
    public static final int EXCEPTION_WEIGHT = 40;
    /** Per word of a matching keyword phrase. */
    public static final int KEYWORD_WEIGHT = 10;
    /**
     * From this score on, and ahead of the second, the first cause is presented as a finding: a
     * code, an exception name or a specific phrase of four words or more matched. Below it only
     * generic words matched ("timeout", "connection failed"), which fit several causes.
     */
    public static final int STRONG_SCORE = 40;

    /** How much the order of the causes says about this incident. */
    public enum Confidence {
        /** The first cause is clearly ahead on specific evidence. */
        STRONG,
        /** Something matched, but too little or too evenly to name one cause. */
        WEAK,
        /** No rule matched: the order is the catalogue's default. */
        NONE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A playbook, its score for one incident and what in the incident gave it that score. */
    public record Ranked(Playbook playbook, int score, List<String> matched) {
    }

    /** Every playbook, best first, and the confidence of that order. */
    public record Ranking(List<Ranked> causes, Confidence confidence) {

        /** The best-scoring cause, or null for an empty catalogue. */
        public Ranked top() {
            return causes.isEmpty() ? null : causes.get(0);
        }
    }

    /** The rules of the catalogue last ranked with (the mirror hands out the same list until it changes). */
    private static final AtomicReference<Compiled> LAST = new AtomicReference<>();

    private RootCauseRanker() {
    }

    public static Ranking rank(IncidentContext context, List<Playbook> playbooks) {
        return rank(context, playbooks, Map.of());
    }

    /**
     * Ranks with extra evidence from outside the text, such as Triage's live classification of
     * its own database failures: {@code boosts} adds to a playbook's score by id.
     */
    public static Ranking rank(IncidentContext context, List<Playbook> playbooks, Map<String, Integer> boosts) {
        Compiled compiled = LAST.get();
        if (compiled == null || compiled.source != playbooks) {
            compiled = new Compiled(playbooks);
            LAST.set(compiled);
        }
        return compiled.rank(context, boosts);
    }

    /** How a text mentions a database, for the numeric codes of that database (the id itself otherwise). */
    private static final Map<String, List<String>> MENTIONS = Map.of(
            "mysql", List.of("mysql", "mariadb"),
            "mongodb", List.of("mongo"),
            "postgresql", List.of("postgres", "psql"));

    private record Rule(int playbook, int id, int weight, String label) {
    }

    private record NumericRule(Rule rule, String database, String number) {
    }

    private record Keyword(Rule rule, String phrase) {
    }

    /** One catalogue's rules, indexed for a single pass over the text. */
    private static final class Compiled {
        private final List<Playbook> source;
        private final Map<String, List<Rule>> words = new HashMap<>();
        private final List<NumericRule> numeric = new ArrayList<>();
        private final List<Keyword> keywords = new ArrayList<>();
        /** Case-sensitive terms with characters other than word characters (Mysql2::Error): substring + edges. */
        private final List<Keyword> exact = new ArrayList<>();
        private final Automaton phrases;
        private int rules;
        private int shortestWord = Integer.MAX_VALUE;
        private int longestWord;

        Compiled(List<Playbook> playbooks) {
            this.source = playbooks;
            for (int i = 0; i < playbooks.size(); i++) {
                Playbook.MatchRules match = playbooks.get(i).match();
                for (String state : match.sqlstates()) {
                    word(state, new Rule(i, rules++, SQLSTATE_WEIGHT, "SQLSTATE " + state));
                }
                for (String code : match.codes()) {
                    int colon = code.indexOf(':');
                    String database = code.substring(0, colon);
                    String value = code.substring(colon + 1);
                    Rule rule = new Rule(i, rules++, CODE_WEIGHT, "code " + code);
                    if (value.chars().allMatch(Character::isDigit)) {
                        numeric.add(new NumericRule(rule, database, value));
                    } else {
                        word(value, rule);
                    }
                }
                for (String exception : match.exceptions()) {
                    word(exception, new Rule(i, rules++, EXCEPTION_WEIGHT, "exception " + exception));
                }
                for (String keyword : match.keywords()) {
                    String phrase = keyword.strip().toLowerCase(Locale.ROOT);
                    int words = phrase.split("\\s+").length;
                    keywords.add(new Keyword(new Rule(i, rules++, KEYWORD_WEIGHT * words, "\"" + phrase + "\""), phrase));
                }
            }
            this.phrases = new Automaton(keywords.stream().map(Keyword::phrase).toList());
        }

        /** A term matched as a whole word, case-sensitively. */
        private void word(String term, Rule rule) {
            if (!term.chars().allMatch(c -> isWordChar((char) c))) {
                exact.add(new Keyword(rule, term));
                return;
            }
            words.computeIfAbsent(term, t -> new ArrayList<>()).add(rule);
            shortestWord = Math.min(shortestWord, term.length());
            longestWord = Math.max(longestWord, term.length());
        }

        Ranking rank(IncidentContext context, Map<String, Integer> boosts) {
            String text = String.join("\n", nonNull(context.errorMessage()), nonNull(context.issueDescription()),
                    nonNull(context.logExcerpt()));
            String lower = text.toLowerCase(Locale.ROOT);
            int[] scores = new int[source.size()];
            List<List<Rule>> matched = new ArrayList<>(source.size());
            for (int i = 0; i < source.size(); i++) {
                matched.add(new ArrayList<>(2));
            }
            BitSet seen = new BitSet(rules);
            List<String> codes = new ArrayList<>(2);

            for (int start = 0, n = text.length(); start < n;) {
                if (!isWordChar(text.charAt(start))) {
                    start++;
                    continue;
                }
                int end = start + 1;
                while (end < n && isWordChar(text.charAt(end))) {
                    end++;
                }
                int length = end - start;
                String word = null;
                if (length >= shortestWord && length <= longestWord) {
                    word = text.substring(start, end);
                    List<Rule> hits = words.get(word);
                    if (hits != null) {
                        for (Rule rule : hits) {
                            credit(rule, seen, scores, matched);
                        }
                    }
                }
                if (length <= 5 && isNumber(text, start, end) && namedAsCode(text, start)) {
                    codes.add(word != null ? word : text.substring(start, end));
                }
                start = end;
            }

            if (!codes.isEmpty()) {
                for (NumericRule rule : numeric) {
                    if (codes.contains(rule.number()) && concerns(rule.database(), context, lower)) {
                        credit(rule.rule(), seen, scores, matched);
                    }
                }
            }

            for (Keyword term : exact) {
                if (containsWord(text, term.phrase())) {
                    credit(term.rule(), seen, scores, matched);
                }
            }
            phrases.scan(lower, k -> credit(keywords.get(k).rule(), seen, scores, matched));

            List<Ranked> ranked = new ArrayList<>(source.size());
            for (int i = 0; i < source.size(); i++) {
                Playbook p = source.get(i);
                int boost = boosts.getOrDefault(p.id(), 0);
                List<Rule> rules = matched.get(i);
                rules.sort(Comparator.comparingInt(Rule::weight).reversed()); // codes first, then names, then words
                List<String> why = new ArrayList<>(rules.size() + 1);
                if (boost != 0) {
                    why.add("evidence from outside the text (+" + boost + ")");
                }
                rules.forEach(rule -> why.add(rule.label()));
                ranked.add(new Ranked(p, scores[i] + boost, List.copyOf(why)));
            }
            ranked.sort(Comparator.comparingInt(Ranked::score).reversed()
                    .thenComparingInt(r -> r.playbook().position()));
            return new Ranking(List.copyOf(ranked), confidence(ranked));
        }

        private static void credit(Rule rule, BitSet seen, int[] scores, List<List<Rule>> matched) {
            if (!seen.get(rule.id())) {
                seen.set(rule.id());
                scores[rule.playbook()] += rule.weight();
                matched.get(rule.playbook()).add(rule);
            }
        }

        /** A bare number is a code of this database only when the incident is about it or mentions it. */
        private static boolean concerns(String database, IncidentContext context, String lower) {
            if (context.database() != null && database.equals(context.database().id())) {
                return true;
            }
            for (String mention : MENTIONS.getOrDefault(database, List.of(database))) {
                if (lower.contains(mention)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static boolean isNumber(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the number at {@code start} is written as an error code: right after "(" or "["
     * ("(1205, '...", "[2002]"), or after the word error, errno or code and at most a few quotes,
     * colons, equals signs and spaces ("ERROR 1205", "errno: 1205", "'code': 18", "error 18 (").
     */
    private static boolean namedAsCode(String text, int start) {
        int k = start - 1;
        if (k >= 0 && (text.charAt(k) == '(' || text.charAt(k) == '[')) {
            return true;
        }
        for (int skipped = 0; k >= 0 && skipped < 6 && " \t:=\"'".indexOf(text.charAt(k)) >= 0; skipped++) {
            k--;
        }
        int wordEnd = k + 1;
        while (k >= 0 && Character.isLetter(text.charAt(k))) {
            k--;
        }
        String word = text.substring(k + 1, wordEnd);
        return word.equalsIgnoreCase("error") || word.equalsIgnoreCase("errno") || word.equalsIgnoreCase("code");
    }

    /** Aho-Corasick over the keyword phrases: every occurrence of every phrase in one pass over the text. */
    private static final class Automaton {
        private final List<Map<Character, Integer>> next = new ArrayList<>();
        private final List<int[]> output = new ArrayList<>();
        private final int[] fail;

        Automaton(List<String> patterns) {
            state();
            List<List<Integer>> out = new ArrayList<>();
            out.add(new ArrayList<>());
            for (int k = 0; k < patterns.size(); k++) {
                int s = 0;
                for (char c : patterns.get(k).toCharArray()) {
                    Integer t = next.get(s).get(c);
                    if (t == null) {
                        t = state();
                        out.add(new ArrayList<>());
                        next.get(s).put(c, t);
                    }
                    s = t;
                }
                out.get(s).add(k);
            }
            fail = new int[next.size()];
            java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>(next.get(0).values());
            while (!queue.isEmpty()) {
                int s = queue.poll();
                for (Map.Entry<Character, Integer> edge : next.get(s).entrySet()) {
                    int t = edge.getValue();
                    int f = fail[s];
                    while (f != 0 && !next.get(f).containsKey(edge.getKey())) {
                        f = fail[f];
                    }
                    Integer g = next.get(f).get(edge.getKey());
                    fail[t] = g != null && g != t ? g : 0;
                    out.get(t).addAll(out.get(fail[t]));
                    queue.add(t);
                }
            }
            out.forEach(o -> output.add(o.stream().mapToInt(Integer::intValue).toArray()));
        }

        private int state() {
            next.add(new HashMap<>(4));
            return next.size() - 1;
        }

        void scan(String text, java.util.function.IntConsumer onMatch) {
            int s = 0;
            for (int i = 0, n = text.length(); i < n; i++) {
                char c = text.charAt(i);
                Integer t = next.get(s).get(c);
                while (t == null && s != 0) {
                    s = fail[s];
                    t = next.get(s).get(c);
                }
                s = t == null ? 0 : t;
                for (int k : output.get(s)) {
                    onMatch.accept(k);
                }
            }
        }
    }

    private static boolean containsWord(String text, String term) {
        for (int at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
            int end = at + term.length();
            if ((at == 0 || !isWordChar(text.charAt(at - 1))) && (end == text.length() || !isWordChar(text.charAt(end)))) {
                return true;
            }
        }
        return false;
    }

    private static Confidence confidence(List<Ranked> ranked) {
        if (ranked.isEmpty() || ranked.get(0).score() <= 0) {
            return Confidence.NONE;
        }
        int first = ranked.get(0).score();
        int second = ranked.size() > 1 ? ranked.get(1).score() : 0;
        return first >= STRONG_SCORE && first > second ? Confidence.STRONG : Confidence.WEAK;
    }

    /** Letters, digits and underscore: SQLSTATEs, exception names, ER_LOCK_DEADLOCK are one word each. */
    private static boolean isWordChar(char c) {
        return c < 128 ? (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                : Character.isLetterOrDigit(c);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
