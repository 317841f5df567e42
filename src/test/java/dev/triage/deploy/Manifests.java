package dev.triage.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The overlays under k8s/overlays, rendered by `kubectl kustomize` (the same renderer as
 * `kubectl apply -k`), as JSON trees. Without kubectl the tests that need it are skipped with
 * the reason printed; .ci/run requires kubectl, so CI never skips them.
 */
final class Manifests {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final List<String> OVERLAYS = List.of("dev", "production", "ha");
    static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory());

    private static final Map<String, List<ObjectNode>> RENDERED = new ConcurrentHashMap<>();

    private Manifests() {
    }

    /** Every object of an overlay, as rendered. */
    static List<ObjectNode> render(String overlay) {
        return RENDERED.computeIfAbsent(overlay, Manifests::kustomize);
    }

    static ObjectNode one(String overlay, String kind, String name) {
        return find(overlay, kind, name).orElseThrow(() -> new AssertionError(
                "k8s/overlays/" + overlay + " renders no " + kind + " " + name));
    }

    static Optional<ObjectNode> find(String overlay, String kind, String name) {
        return render(overlay).stream()
                .filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.path("metadata").path("name").asText()))
                .findFirst();
    }

    static List<ObjectNode> ofKind(String overlay, String kind) {
        return render(overlay).stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    static String kubectl() {
        Optional<Path> kubectl = onPath("kubectl");
        if (kubectl.isEmpty()) {
            System.out.println("[k8s] kubectl not installed: overlays not rendered (.ci/run requires it)");
        }
        Assumptions.assumeTrue(kubectl.isPresent(), "kubectl not installed: overlays not rendered");
        return kubectl.get().toString();
    }

    private static List<ObjectNode> kustomize(String overlay) {
        Path dir = ROOT.resolve("k8s/overlays").resolve(overlay);
        try {
            Path out = Files.createTempFile("kustomize-" + overlay, ".yaml");
            Path err = Files.createTempFile("kustomize-" + overlay, ".err");
            try {
                Process p = new ProcessBuilder(kubectl(), "kustomize", dir.toString())
                        .redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("kubectl kustomize " + dir + " did not finish within 60 s");
                }
                if (p.exitValue() != 0) {
                    throw new AssertionError("kubectl kustomize " + dir + " failed:\n" + Files.readString(err));
                }
                List<ObjectNode> objects = new ArrayList<>();
                try (var parser = YAML.getFactory().createParser(out.toFile())) {
                    for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext();) {
                        JsonNode node = it.next();
                        if (node instanceof ObjectNode object) {
                            objects.add(object);
                        }
                    }
                }
                return List.copyOf(objects);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("rendering " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The value of a key in application.properties (no profile), or of %prod when set. */
    static String property(String key) {
        Map<String, String> props = properties();
        String value = props.getOrDefault("%prod." + key, props.get(key));
        if (value == null) {
            throw new AssertionError("application.properties sets no " + key);
        }
        return value;
    }

    static Map<String, String> properties() {
        try {
            java.util.Properties p = new java.util.Properties();
            try (var in = Files.newBufferedReader(ROOT.resolve("src/main/resources/application.properties"),
                    StandardCharsets.UTF_8)) {
                p.load(in);
            }
            Map<String, String> map = new java.util.HashMap<>();
            p.forEach((k, v) -> map.put(k.toString(), v.toString().trim()));
            return map;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static ObjectMapper json() {
        return new ObjectMapper();
    }

    private static Optional<Path> onPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, executable);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
