package dev.triage.api;

/**
 * The roles a caller's token carries (JWT {@code groups} claim, or a static token's role list).
 * Endpoints list every role they accept: a writer can also read, an admin can also read and
 * write incidents; {@code alert-sender} is a machine role that only reaches the webhook.
 */
public final class Roles {

    /** Reads incidents, their prompts, the playbooks; renders prompts. */
    public static final String READER = "reader";
    /** Creates and changes incidents (and everything a reader does). */
    public static final String WRITER = "writer";
    /** Playbook writes, maintenance, breaker reset, diagnostics (and everything a writer does). */
    public static final String ADMIN = "admin";
    /** Posts Alertmanager notifications to the webhook, nothing else. */
    public static final String ALERT_SENDER = "alert-sender";

    public static final java.util.Set<String> ALL = java.util.Set.of(READER, WRITER, ADMIN, ALERT_SENDER);

    private Roles() {
    }
}
