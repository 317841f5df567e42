package dev.triage.prompt;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** An enumerated field of the incident context: a lower-case id on the wire, a label in prose. */
public interface Choice {

    String id();

    String label();

    /** The constant whose id is {@code value} (case-insensitive), or a message listing the choices. */
    static <E extends Enum<E> & Choice> E parse(Class<E> type, String value) {
        if (value != null) {
            Object found = BY_ID.get(type).get(value);
            if (found == null) {
                found = BY_ID.get(type).get(value.trim().toLowerCase(Locale.ROOT));
            }
            if (found != null) {
                return type.cast(found);
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not one of " + ids(type));
    }

    /** Each choice type's constants by id, built once: every stored row is parsed on every read. */
    ClassValue<Map<String, Object>> BY_ID = new ClassValue<>() {
        @Override
        protected Map<String, Object> computeValue(Class<?> type) {
            return Arrays.stream(type.getEnumConstants())
                    .collect(Collectors.toUnmodifiableMap(e -> ((Choice) e).id(), Function.identity()));
        }
    };

    static <E extends Enum<E> & Choice> String ids(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Choice::id).collect(Collectors.joining(", ", "[", "]"));
    }
}
