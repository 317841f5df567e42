package dev.triage.api;

import jakarta.ws.rs.core.Response;

/**
 * A value and where it came from: the database, or a copy in memory because the database is
 * unavailable. Copies are marked with the {@code Triage-Data-Source: cache} response header.
 */
public record Sourced<T>(T value, boolean fromCache) {

    public static final String HEADER = "Triage-Data-Source";

    public static <T> Sourced<T> live(T value) {
        return new Sourced<>(value, false);
    }

    public static <T> Sourced<T> cached(T value) {
        return new Sourced<>(value, true);
    }

    public Response.ResponseBuilder ok() {
        Response.ResponseBuilder response = Response.ok(value);
        if (fromCache) {
            response.header(HEADER, "cache");
        }
        return response;
    }
}
