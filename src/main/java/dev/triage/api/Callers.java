package dev.triage.api;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * A stable, non-secret id for the authenticated caller: {@code token:<name>} for a static token,
 * {@code jwt:<subject>} for a JWT. It keys the per-caller rate limits and scopes idempotency keys.
 */
public final class Callers {

    /** Identity attribute holding the id, set by the identity provider that knows it best. */
    public static final String ATTRIBUTE = "triage.caller";

    private Callers() {
    }

    public static String id(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return "anonymous";
        }
        Object id = identity.getAttribute(ATTRIBUTE);
        if (id instanceof String s) {
            return s;
        }
        if (identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getSubject() != null) {
            return "jwt:" + jwt.getSubject();
        }
        return "user:" + identity.getPrincipal().getName();
    }
}
