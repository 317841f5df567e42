package dev.triage.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;

/**
 * Every object every overlay renders is read into the Kubernetes API model of fabric8 (the
 * kubernetes-model of the Quarkus BOM; the Prometheus Operator's kinds from its
 * openshift-model-monitoring) with unknown fields rejected (a misspelt or misplaced field lands
 * in a model's additionalProperties: that fails here, as `kubectl apply --validate=strict`
 * would) and no scalar coercion (a quoted number where the API wants an integer fails). Read
 * back, it must give the same tree: nothing the API would drop. CloudNativePG objects have no
 * model in a package here: K8sFactsTest checks the fields Triage depends on instead.
 */
class K8sSchemaTest {

    static final List<String> OVERLAYS = Manifests.OVERLAYS;

    /** Kinds without a model in a package here (checked field by field in K8sFactsTest). */
    private static final Set<String> NO_MODEL = Set.of("postgresql.cnpg.io/v1 Cluster", "postgresql.cnpg.io/v1 Pooler");

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .build();

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyObjectMatchesTheKubernetesApiModel(String overlay) throws Exception {
        List<String> problems = new ArrayList<>();
        int typed = 0;
        for (ObjectNode object : Manifests.render(overlay)) {
            String id = object.path("apiVersion").asText() + " " + object.path("kind").asText();
            String where = overlay + ": " + id + " " + object.path("metadata").path("name").asText();
            KubernetesResource resource;
            try {
                resource = STRICT.treeToValue(object, KubernetesResource.class);
            } catch (Exception e) {
                problems.add(where + ": " + e.getMessage().lines().findFirst().orElse(""));
                continue;
            }
            if (resource instanceof GenericKubernetesResource) {
                if (!NO_MODEL.contains(id)) {
                    problems.add(where + ": no Kubernetes API model knows this apiVersion and kind");
                }
                continue;
            }
            typed++;
            unknownFields(resource, "", problems, where);
            List<String> differences = new ArrayList<>();
            diff(object, STRICT.valueToTree(resource), "", differences);
            if (!differences.isEmpty()) {
                problems.add(where + ": read back differently (a field the API would drop or change): " + differences);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(typed >= 8, overlay + ": only " + typed + " objects checked against a model");
    }

    @org.junit.jupiter.api.Test
    void aMisspeltFieldIsCaught() throws Exception {
        // The check itself must be able to fail: a Deployment with a field the API does not have.
        ObjectNode deployment = (ObjectNode) Manifests.YAML.readTree("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: { name: x }
                spec:
                  selector: { matchLabels: { a: b } }
                  template:
                    metadata: { labels: { a: b } }
                    spec:
                      containers:
                        - name: x
                          image: x
                          readinessProbe: { httpGet: { path: /, port: 1 }, periodSecond: 5 }
                """);
        KubernetesResource resource = STRICT.treeToValue(deployment, KubernetesResource.class);
        List<String> problems = new ArrayList<>();
        unknownFields(resource, "", problems, "test");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("periodSecond"), problems.get(0));

        ObjectNode hpa = (ObjectNode) Manifests.YAML.readTree("""
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: { name: x }
                spec: { maxReplicas: "4", scaleTargetRef: { kind: Deployment, name: x } }
                """);
        try {
            STRICT.treeToValue(hpa, KubernetesResource.class);
            fail("a quoted maxReplicas was accepted");
        } catch (Exception expected) {
            // a string where the API wants an integer
        }
    }

    /**
     * Where the model's tree differs from the rendered one. The model adds apiVersion and kind to
     * embedded objects (a StatefulSet's volumeClaimTemplates): additions of those are not changes.
     */
    static void diff(com.fasterxml.jackson.databind.JsonNode rendered, com.fasterxml.jackson.databind.JsonNode model,
            String path, List<String> differences) {
        if (rendered.isObject() && model.isObject()) {
            var names = new java.util.TreeSet<String>();
            rendered.fieldNames().forEachRemaining(names::add);
            model.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                var r = rendered.get(name);
                var m = model.get(name);
                if (r == null && !path.isEmpty() && (name.equals("apiVersion") || name.equals("kind"))) {
                    continue;
                }
                if (r == null || m == null) {
                    differences.add(path + "/" + name + (r == null ? " added" : " dropped"));
                } else {
                    diff(r, m, path + "/" + name, differences);
                }
            }
        } else if (rendered.isArray() && model.isArray() && rendered.size() == model.size()) {
            for (int i = 0; i < rendered.size(); i++) {
                diff(rendered.get(i), model.get(i), path + "/" + i, differences);
            }
        } else if (rendered.isNumber() && model.isNumber()) {
            if (rendered.decimalValue().compareTo(model.decimalValue()) != 0) {
                differences.add(path + ": " + rendered + " became " + model);
            }
        } else if (!rendered.equals(model)) {
            differences.add(path + ": " + rendered + " became " + model);
        }
    }

    /** Records every non-empty additionalProperties map in the object graph, with its path. */
    static void unknownFields(Object value, String path, List<String> problems, String where) throws Exception {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?>) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", problems, where);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), problems, where);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : value.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child = m.invoke(value);
            if (m.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(where + ": unknown field(s) " + extra.keySet() + " at " + (path.isEmpty() ? "/" : path));
                }
                continue;
            }
            String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            unknownFields(child, path + "." + field, problems, where);
        }
    }
}
