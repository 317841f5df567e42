package dev.triage.playbook;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The catalogue that ships on the classpath ({@code playbooks/catalogue.json}): the seed of a new
 * database (migration V2) and what prompts use while the database has never been reachable.
 * Positions follow the file's order.
 */
public final class PlaybookDefaults {

    public static final String RESOURCE = "playbooks/catalogue.json";

    private PlaybookDefaults() {
    }

    public static List<Playbook> load() {
        try (InputStream in = PlaybookDefaults.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + RESOURCE);
            }
            List<Playbook> raw = new ObjectMapper().readValue(in, new TypeReference<List<Playbook>>() {
            });
            List<Playbook> numbered = new ArrayList<>(raw.size());
            for (int i = 0; i < raw.size(); i++) {
                Playbook p = raw.get(i);
                numbered.add(new Playbook(p.id(), i + 1, p.title(), p.category(), p.symptom(), p.match(),
                        p.solutions(), p.prevention(), p.commands(), 1));
            }
            return List.copyOf(numbered);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
