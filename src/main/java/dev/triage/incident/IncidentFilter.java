package dev.triage.incident;

import dev.triage.api.ProblemException;
import dev.triage.prompt.Choice;
import dev.triage.prompt.Environment;
import dev.triage.prompt.Urgency;

/** The optional filters of the incident list; unknown values are a 400 naming the parameter. */
public record IncidentFilter(IncidentStatus status, Urgency urgency, Environment environment) {

    public static IncidentFilter parse(String status, String urgency, String environment) {
        return new IncidentFilter(
                parse(IncidentStatus.class, "status", status),
                parse(Urgency.class, "urgency", urgency),
                parse(Environment.class, "environment", environment));
    }

    private static <E extends Enum<E> & Choice> E parse(Class<E> type, String parameter, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Choice.parse(type, value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(parameter, e.getMessage());
        }
    }
}
