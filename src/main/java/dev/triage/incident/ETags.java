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

    /** Whether If-Match names a version of the incident older than {@code current} ("n" with n < current). */
    static boolean namesEarlierVersion(String ifMatch, int current) {
        if (ifMatch == null) {
            return false;
        }
        for (String candidate : ifMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.length() >= 3 && tag.length() <= 12 && tag.startsWith("\"") && tag.endsWith("\"")) {
                try {
                    int version = Integer.parseInt(tag.substring(1, tag.length() - 1));
                    if (version >= 1 && version < current) {
                        return true;
                    }
                } catch (NumberFormatException e) {
                    // not one of our tags
                }
            }
        }
        return false;
    }
}
