package dev.triage.api;

import static java.lang.annotation.ElementType.ANNOTATION_TYPE;
import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

/**
 * A text field as people write it: at most {@link #max()} characters counted as Unicode code
 * points (an emoji is one character, not two UTF-16 units), no control characters (tab, line
 * feed and carriage return are allowed in {@link #multiline()} fields), no unpaired surrogates or
 * noncharacters, no bidirectional overrides and no invisible Unicode tag characters (they hide
 * text from people reading a prompt that a language model still reads). A {@link #required()}
 * field must contain something visible: whitespace of any kind (NBSP, NEL, ideographic space)
 * and zero-width characters alone are blank. {@code null} is valid unless required.
 */
@Documented
@Constraint(validatedBy = TextValidator.class)
@Target({ FIELD, METHOD, PARAMETER, TYPE_USE, ANNOTATION_TYPE })
@Retention(RUNTIME)
public @interface Text {

    /** The maximum length in Unicode code points. */
    int max();

    /** Must be present and contain at least one visible character. */
    boolean required() default false;

    /** Tab, line feed and carriage return are allowed (descriptions, logs, notes). */
    boolean multiline() default false;

    /** Unused: the validator states what is wrong. */
    String message() default "is not valid text";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
