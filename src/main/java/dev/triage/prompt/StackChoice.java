package dev.triage.prompt;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

import com.fasterxml.jackson.annotation.JsonValue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A choice whose ids are data, not code: a language or a database, read from its file in
 * {@code prompt/} so that a contributor adds one without touching Java (README, "Adding a
 * database or a language"). Two choices are equal when they are of the same kind with the same id.
 */
@RegisterForReflection
public abstract class StackChoice implements Choice {

    private final String id;
    private final String label;

    StackChoice(String id, String label) {
        this.id = id;
        this.label = label;
    }

    @JsonValue
    @Override
    public String id() {
        return id;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((StackChoice) o).id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return id;
    }

    /** The choices of one file, in file order. */
    static final class Catalogue<T extends StackChoice> {

        private final String file;
        private final Map<String, T> byId = new LinkedHashMap<>();

        Catalogue(String file, BiFunction<String, String, T> create) {
            this.file = file;
            StackIds.read(file).forEach((id, label) -> byId.put(id, create.apply(id, label)));
        }

        List<T> values() {
            return List.copyOf(byId.values());
        }

        /** The choice with this id (case-insensitive), or a message listing the ids. */
        T fromId(String value) {
            T choice = value == null ? null : byId.get(value.trim().toLowerCase(Locale.ROOT));
            if (choice == null) {
                throw new IllegalArgumentException("'" + value + "' is not one of " + byId.keySet().stream().toList());
            }
            return choice;
        }

        /** A choice Triage's own code names: its file must keep it. */
        T known(String id) {
            T choice = byId.get(id);
            if (choice == null) {
                throw new IllegalStateException(file + " must keep '" + id + "' (Triage uses it)");
            }
            return choice;
        }
    }
}
