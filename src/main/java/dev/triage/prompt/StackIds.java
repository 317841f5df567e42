package dev.triage.prompt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The ids and labels of the databases and languages a context may name, read once from
 * {@link StackProfiles#DATABASES} and {@link StackProfiles#LANGUAGES}: the accepted values are data,
 * so a new database or language needs no Java change.
 */
final class StackIds {

    @RegisterForReflection
    record Entry(String id, String label) {
    }

    private StackIds() {
    }

    /** id to label, in file order. */
    static Map<String, String> read(String resource) {
        ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try (InputStream in = StackIds.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource);
            }
            Map<String, String> ids = new LinkedHashMap<>();
            for (Entry e : json.readValue(in, new TypeReference<List<Entry>>() {
            })) {
                ids.put(e.id(), e.label());
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
