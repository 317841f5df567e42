package dev.triage.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The rules of {@link Text}, checked directly. */
class TextValidatorTest {

    private static String single(String value, int max, boolean required) {
        return TextValidator.problem(value, max, required, false);
    }

    private static String multi(String value, int max) {
        return TextValidator.problem(value, max, true, true);
    }

    @Test
    void lengthIsInCodePoints() {
        String fire = "\uD83D\uDD25";
        assertNull(single(fire.repeat(3), 3, true));
        assertEquals("must be at most 3 characters (Unicode code points); it has 4", single(fire.repeat(4), 3, true));
        assertNull(single("e\u0301", 2, true), "a combining accent is a code point of its own");
    }

    @Test
    void nullIsFineUnlessRequired() {
        assertNull(single(null, 5, false));
        assertEquals("is required", single(null, 5, true));
        assertNull(single("", 5, false), "empty optional text is allowed");
    }

    @Test
    void blankMeansNothingVisible() {
        for (String blank : new String[] { "", " ", "\u00a0", "\u2007", "\u202f", "\u3000", "\u200b", "\ufeff", "\u3164",
                "\u2800", "\u034f" }) {
            assertEquals("must not be blank (it has only whitespace or invisible characters)", single(blank, 5, true),
                    Integer.toHexString(blank.isEmpty() ? 0 : blank.charAt(0)));
        }
        assertTrue(TextValidator.isBlank("\u00a0\u200b"));
        assertTrue(TextValidator.isBlank(null));
        assertNull(single(" x ", 5, true));
        assertNull(single("\u00e9", 5, true));
        assertNull(single("\u4e2d", 5, true));
    }

    @Test
    void controlCharactersAreRefused_lineBreaksOnlyInMultiLineText() {
        assertTrue(single("a\u0000b", 5, true).startsWith("contains a control character (U+0000) at character 2"));
        assertTrue(multi("a\u001bb", 5).contains("U+001B"));
        assertTrue(multi("a\u0085b", 5).contains("control character (U+0085)"));
        assertTrue(multi("a\u007fb", 5).contains("U+007F"));
        assertNull(multi("a\tb\r\nc", 10));
        assertNull(multi("a\u2028b", 10));
        assertTrue(single("a\nb", 5, true).contains("single-line"));
        assertTrue(single("a\u2028b", 5, true).contains("single-line"));
    }

    @Test
    void invisibleTricksAreRefused() {
        assertTrue(multi("a\u202eb", 5).contains("bidirectional"));
        assertTrue(multi("a\u2066b", 5).contains("bidirectional"));
        assertTrue(multi("a" + new String(Character.toChars(0xE0041)) + "b", 5).contains("tag character"));
        assertTrue(multi("a\ud800b", 5).contains("unpaired surrogate (U+D800) at character 2"));
        assertTrue(multi("a\udc00", 5).contains("unpaired surrogate"));
        assertTrue(multi("a\ufffe", 5).contains("noncharacter"));
        assertTrue(multi("a" + new String(Character.toChars(0x1FFFF)), 5).contains("noncharacter"));
        assertNull(multi("a\u200eb", 5), "left-to-right mark is allowed");
    }
}
