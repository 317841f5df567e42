package dev.triage.incident;

/** Strong entity-tag comparison for If-Match (RFC 9110 13.1.1): weak tags never match. */
final class ETags {

    private ETags() {
    }

    static boolean matches(String ifMatch, String current) {
        if (ifMatch == null) {
            return false;
        }
        for (String candidate : ifMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || tag.equals(current)) {
                return true;
            }
        }
        return false;
    }
}
