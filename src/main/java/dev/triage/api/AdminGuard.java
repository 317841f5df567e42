package dev.triage.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Checks the admin bearer token (a Kubernetes Secret in production) in constant time. With no
 * token configured, admin operations are forbidden. The token is never logged.
 */
@ApplicationScoped
public class AdminGuard {

    private final Optional<byte[]> token;

    public AdminGuard(@ConfigProperty(name = "triage.admin.token") Optional<String> token) {
        this.token = token.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    /** Throws a 403 (no token configured) or 401 (missing or wrong token) problem. */
    public void require(String authorization) {
        if (token.isEmpty()) {
            throw new ProblemException(403, "admin-disabled", "Forbidden",
                    "Admin operations are disabled: no admin token is configured (triage.admin.token).");
        }
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim()
                : "";
        if (!MessageDigest.isEqual(token.get(), presented.getBytes(StandardCharsets.UTF_8))) {
            throw new ProblemException(401, "unauthorized", "Unauthorized",
                    "An admin bearer token is required (Authorization: Bearer <token>).", null,
                    Map.of("WWW-Authenticate", "Bearer realm=\"triage-admin\""));
        }
    }
}
