package dev.triage.prompt;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** An enumerated field of the incident context: a lower-case id on the wire, a label in prose. */
public interface Choice {

    String id();

    String label();

    /** The constant whose id is {@code value} (case-insensitive), or a message listing the choices. */
    static <E extends Enum<E> & Choice> E parse(Class<E> type, String value) {
        if (value != null) {
            String wanted = value.trim().toLowerCase(Locale.ROOT);
            for (E e : type.getEnumConstants()) {
                if (e.id().equals(wanted)) {
                    return e;
                }
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not one of " + ids(type));
    }

    static <E extends Enum<E> & Choice> String ids(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Choice::id).collect(Collectors.joining(", ", "[", "]"));
    }
}
