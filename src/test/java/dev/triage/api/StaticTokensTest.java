package dev.triage.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The static token format; errors name the entry, never the token. */
class StaticTokensTest {

    private static final String A = "aaaaaaaaaaaaaaaa1234";
    private static final String B = "bbbbbbbbbbbbbbbb+/~=";

    @Test
    void entriesAreSeparatedByWhitespaceSemicolonsAndLines() {
        List<StaticTokens.Token> tokens = StaticTokens.parse("# comment\nops:admin,reader:" + A + "  ci:writer:" + B
                + ";am:alert-sender:" + A.replace('a', 'c') + "\n\n", "test");
        assertEquals(3, tokens.size());
        assertEquals("ops", tokens.get(0).name());
        assertEquals(Set.of("admin", "reader"), tokens.get(0).roles());
        assertEquals(Set.of("alert-sender"), tokens.get(2).roles());
        assertEquals(32, tokens.get(1).digest().length, "only a SHA-256 digest is kept");
    }

    @Test
    void badEntriesAreRefusedWithoutRepeatingTheToken() {
        for (String bad : new String[] { "ops:admin", "ops:admin:" + A + ":extra", "ops:root:" + A, "ops:admin:short",
                "o p:admin:" + A, "ops:admin:" + A + "\u00e9", ":admin:" + A, "ops::" + A }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StaticTokens.parse(bad, "TRIAGE_AUTH_TOKENS"), bad);
            assertFalse(e.getMessage().contains(A), e.getMessage());
            assertFalse(e.getMessage().contains("short"), e.getMessage());
        }
    }
}
