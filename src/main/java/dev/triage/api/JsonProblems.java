package dev.triage.api;

import java.util.Collection;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

/**
 * Turns a Jackson failure into the field it is about (a dotted name and an RFC 6901 JSON pointer)
 * and a message in Triage's words. Jackson's own messages name Java classes, configuration
 * features and source locations: none of that reaches a client.
 */
final class JsonProblems {

    private JsonProblems() {
    }

    static Problem.FieldError describe(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException limit) {
            return limit(limit);
        }
        if (e instanceof StreamReadException read) {
            return syntax(read);
        }
        if (e instanceof JsonMappingException mapping) {
            return mapping(mapping);
        }
        return new Problem.FieldError("body", "is not valid JSON", "");
    }

    /** The parser refused the text itself: the location is where the parser stood. */
    private static Problem.FieldError syntax(StreamReadException e) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String pointer = pointerOf(e.getProcessor());
        String message;
        if (e instanceof InputCoercionException) {
            message = "is a number out of range";
        } else if (e instanceof JsonEOFException || original.startsWith("Unexpected end-of-input")) {
            message = "ends before the JSON value is complete";
        } else if (afterTheValue(e.getProcessor(), original)) {
            return new Problem.FieldError("body", "has content after the JSON value", "");
        } else if (original.startsWith("Duplicate field '")) {
            String name = original.substring("Duplicate field '".length(), original.length() - 1);
            pointer = pointer.isEmpty() || pointer.endsWith("/" + escape(name)) ? pointer : pointer + "/" + escape(name);
            message = "is repeated: a JSON object must not have duplicate keys";
        } else if (original.startsWith("Invalid UTF-8")) {
            message = "is not valid UTF-8";
        } else if (original.contains("CTRL-CHAR")) {
            message = "contains an unescaped control character";
        } else {
            message = "is not valid JSON";
        }
        return new Problem.FieldError(fieldOf(pointer), message, pointer);
    }

    /** A parser limit (StrictJson): the body as a whole is refused. */
    private static Problem.FieldError limit(StreamConstraintsException e) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String message = original.startsWith("Document nesting depth")
                ? "nests deeper than " + StrictJson.MAX_NESTING_DEPTH + " levels"
                : original.startsWith("Number value length")
                        ? "has a number longer than " + StrictJson.MAX_NUMBER_LENGTH + " digits"
                        : original.startsWith("Name length")
                                ? "has a field name longer than " + StrictJson.MAX_NAME_LENGTH + " characters"
                                : "is larger than the JSON parser allows";
        return new Problem.FieldError("body", message, "");
    }

    /** The text was JSON but does not fit the expected shape. */
    private static Problem.FieldError mapping(JsonMappingException e) {
        if (e.getCause() instanceof StreamConstraintsException limit) {
            return limit(limit);
        }
        if (e.getCause() instanceof StreamReadException read) {
            // A syntax error found while binding (databind wraps it): the parser knows where it stood.
            Problem.FieldError error = syntax(read);
            return error.pointer().isEmpty() ? new Problem.FieldError(fieldOf(pointerOf(e)), error.message(), pointerOf(e))
                    : error;
        }
        String pointer = pointerOf(e);
        String field = fieldOf(pointer);
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String message;
        if (e instanceof UnrecognizedPropertyException u) {
            pointer = pointer.isEmpty() ? "/" + escape(u.getPropertyName()) : pointer;
            field = fieldOf(pointer);
            message = "is not a known field";
        } else if (original.startsWith("Trailing token")) {
            return new Problem.FieldError("body", "has content after the JSON value", "");
        } else if (original.startsWith("No content to map")) {
            return new Problem.FieldError("body", "is empty", "");
        } else if (e instanceof ValueInstantiationException && e.getCause() instanceof IllegalArgumentException arg
                && arg.getMessage() != null && arg.getMessage().contains(" is not one of ")) {
            // Triage's enumerations list their values ("'x' is not one of [a, b]"); the value itself is not echoed.
            message = arg.getMessage().substring(arg.getMessage().lastIndexOf(" is not one of ") + 1);
        } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            message = "must be " + expected(m.getTargetType());
        } else {
            message = "has an invalid value";
        }
        return new Problem.FieldError(field.isEmpty() ? "body" : field, message, pointer);
    }

    private static String expected(Class<?> type) {
        if (type == String.class || type == Character.class || type.isEnum()) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "of another type";
    }

    /** JSON pointer of a mapping failure, from Jackson's reference path. */
    static String pointerOf(JsonMappingException e) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                pointer.append('/').append(escape(ref.getFieldName()));
            } else if (ref.getIndex() >= 0) {
                pointer.append('/').append(ref.getIndex());
            }
        }
        return pointer.toString();
    }

    /**
     * Whether the parser had read a whole value already and failed on what followed it: at the
     * root, the parser counts a value when it starts one, so a second one has begun, or a close
     * marker came after the first.
     */
    private static boolean afterTheValue(Object processor, String message) {
        if (!(processor instanceof JsonParser parser) || parser.getParsingContext() == null
                || !parser.getParsingContext().inRoot()) {
            return false;
        }
        int values = parser.getParsingContext().getEntryCount();
        return values >= 2 || (values == 1 && message.startsWith("Unexpected close marker"));
    }

    /** JSON pointer of where a parser stood when it failed. */
    private static String pointerOf(Object processor) {
        if (processor instanceof JsonParser parser) {
            JsonStreamContext context = parser.getParsingContext();
            if (context != null) {
                return context.pathAsPointer().toString();
            }
        }
        return "";
    }

    /** The dotted field name of a pointer, as validation errors name fields: /labels/team -> labels.team. */
    static String fieldOf(String pointer) {
        if (pointer == null || pointer.isEmpty()) {
            return "body";
        }
        StringBuilder field = new StringBuilder();
        for (String token : pointer.substring(1).split("/", -1)) {
            String name = token.replace("~1", "/").replace("~0", "~");
            if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                field.append('[').append(name).append(']');
            } else {
                if (field.length() > 0) {
                    field.append('.');
                }
                field.append(name);
            }
        }
        return field.length() == 0 ? "body" : field.toString();
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
