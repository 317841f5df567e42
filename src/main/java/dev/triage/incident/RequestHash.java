package dev.triage.incident;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.triage.prompt.IncidentContext;

/**
 * SHA-256 of an incident context in canonical form (defaults applied, labels sorted), so that
 * "the same body" for Idempotency-Key means the same content, not the same bytes.
 */
final class RequestHash {

    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .build();

    private RequestHash() {
    }

    static String of(IncidentContext normalised) {
        try {
            byte[] json = CANONICAL.writeValueAsBytes(normalised);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash the request", e);
        }
    }

}
