package dev.triage.incident;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

import dev.triage.api.ProblemException;

/**
 * Where a page of the incident list ends: the (created_at, id) of its last row, opaque to
 * clients (base64url). Microsecond precision, as PostgreSQL stores timestamps.
 */
public record Cursor(OffsetDateTime createdAt, UUID id) {

    public static Cursor after(Incident last) {
        return new Cursor(last.createdAt(), last.id());
    }

    public String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt.toInstant());
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + ":" + id).getBytes(StandardCharsets.US_ASCII));
    }

    public static Cursor decode(String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII).split(":", 2);
            Instant at = Instant.EPOCH.plus(Long.parseLong(parts[0]), ChronoUnit.MICROS);
            return new Cursor(at.atOffset(ZoneOffset.UTC), UUID.fromString(parts[1]));
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("cursor", "is not a cursor returned by this API");
        }
    }
}
