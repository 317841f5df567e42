package dev.triage.api;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/** Checks {@link Text}; each message says what is wrong and where, never echoing the text. */
public class TextValidator implements ConstraintValidator<Text, CharSequence> {

    private int max;
    private boolean required;
    private boolean multiline;

    @Override
    public void initialize(Text text) {
        this.max = text.max();
        this.required = text.required();
        this.multiline = text.multiline();
    }

    @Override
    public boolean isValid(CharSequence value, ConstraintValidatorContext context) {
        String problem = problem(value, max, required, multiline);
        if (problem == null) {
            return true;
        }
        context.disableDefaultConstraintViolation();
        // Message templates interpret braces and $; the messages built here contain neither.
        context.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
        return false;
    }

    /** Whether the text has nothing visible (null, empty, whitespace of any kind, invisible characters). */
    public static boolean isBlank(CharSequence value) {
        return value == null || value.codePoints().allMatch(TextValidator::invisible);
    }

    /** What is wrong with the value, or null when it is fine. */
    static String problem(CharSequence value, int max, boolean required, boolean multiline) {
        if (value == null) {
            return required ? "is required" : null;
        }
        String text = value.toString();
        int length = 0;
        boolean visible = false;
        for (int i = 0; i < text.length();) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    // a well-formed pair: checked as one code point below
                } else {
                    return "contains an unpaired surrogate (U+" + hex(c) + ") at character " + (length + 1);
                }
            }
            int cp = text.codePointAt(i);
            length++;
            String refused = refused(cp, multiline);
            if (refused != null) {
                return "contains " + refused + " (U+" + hex(cp) + ") at character " + length;
            }
            if (!visible && !invisible(cp)) {
                visible = true;
            }
            i += Character.charCount(cp);
        }
        if (length > max) {
            return "must be at most " + max + " characters (Unicode code points); it has " + length;
        }
        if (required && !visible) {
            return "must not be blank (it has only whitespace or invisible characters)";
        }
        return null;
    }

    private static String refused(int cp, boolean multiline) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return multiline ? null : "a tab or line break, which this single-line field does not allow";
        }
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
            return "a control character";
        }
        if (cp == 0x2028 || cp == 0x2029) {
            return multiline ? null : "a line or paragraph separator, which this single-line field does not allow";
        }
        if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
            return "a bidirectional override";
        }
        if (cp >= 0xE0000 && cp <= 0xE007F) {
            return "an invisible Unicode tag character";
        }
        if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
            return "a Unicode noncharacter";
        }
        return null;
    }

    /** Whitespace, separators, format characters and the filler letters that render as nothing. */
    static boolean invisible(int cp) {
        if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        if (type == Character.FORMAT || type == Character.CONTROL) {
            return true;
        }
        return cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0 || cp == 0x2800 || cp == 0x034F;
    }

    private static String hex(int cp) {
        String hex = Integer.toHexString(cp).toUpperCase();
        return hex.length() >= 4 ? hex : "0".repeat(4 - hex.length()) + hex;
    }
}
