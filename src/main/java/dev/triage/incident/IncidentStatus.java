package dev.triage.incident;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import dev.triage.prompt.Choice;

/** An incident's lifecycle: open, then acknowledged, then resolved; never backwards. */
public enum IncidentStatus implements Choice {
    OPEN("open", "Open"),
    ACKNOWLEDGED("acknowledged", "Acknowledged"),
    RESOLVED("resolved", "Resolved");

    private final String id;
    private final String label;

    IncidentStatus(String id, String label) {
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

    /** Moving forward (or staying put) is allowed; going back is not. */
    public boolean canBecome(IncidentStatus next) {
        return next.ordinal() >= ordinal();
    }

    @JsonCreator
    public static IncidentStatus fromId(String value) {
        return Choice.parse(IncidentStatus.class, value);
    }
}
