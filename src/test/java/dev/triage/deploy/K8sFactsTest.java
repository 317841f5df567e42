package dev.triage.deploy;

import static dev.triage.deploy.Manifests.one;
import static dev.triage.deploy.Manifests.property;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The facts of the rendered overlays that must agree with the application's own configuration
 * (application.properties, the Dockerfiles): probe paths and ports, shutdown timings against the
 * grace period, security contexts, images and labels, and the CloudNativePG objects (no schema
 * package exists for them here: their fields are checked one by one).
 */
class K8sFactsTest {

    static final List<String> OVERLAYS = Manifests.OVERLAYS;
    /** Quarkus's default management port; application.properties must not move it (probes use 9000). */
    static final int MANAGEMENT_PORT = 9000;
    static final int HTTP_PORT = 8080;

    @Test
    void theApplicationServesHealthAndMetricsOnTheManagementInterface() {
        assertEquals("true", property("quarkus.management.enabled"));
        assertFalse(Manifests.properties().containsKey("quarkus.management.port"),
                "the manifests expect the management interface on its default port 9000");
        assertFalse(Manifests.properties().containsKey("quarkus.http.port"), "the manifests expect the API on 8080");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void probesPortsAndServiceFollowTheManagementInterface(String overlay) {
        JsonNode container = triageContainer(overlay);
        Map<String, Integer> ports = Map.of(
                container.at("/ports/0/name").asText(), container.at("/ports/0/containerPort").asInt(),
                container.at("/ports/1/name").asText(), container.at("/ports/1/containerPort").asInt());
        assertEquals(Map.of("http", HTTP_PORT, "management", MANAGEMENT_PORT), ports, overlay + ": container ports");
        assertEquals("/q/health/started", container.at("/startupProbe/httpGet/path").asText());
        assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertEquals("management", container.at("/" + probe + "/httpGet/port").asText(), overlay + ": " + probe + " port");
        }
        // The startup probe allows at least the time the service needs with its database down.
        JsonNode startup = container.get("startupProbe");
        assertTrue(startup.get("periodSeconds").asInt() * startup.get("failureThreshold").asInt() >= 30);

        ObjectNode service = one(overlay, "Service", "triage");
        Set<String> targets = new HashSet<>();
        service.at("/spec/ports").forEach(p -> targets.add(p.get("name").asText() + "->" + p.get("targetPort").asText()));
        assertEquals(Set.of("http->http", "management->management"), targets, overlay + ": Service ports");
        assertEquals("triage", service.at("/spec/selector/app.kubernetes.io~1name").asText(), overlay + ": Service selector");

        if (!overlay.equals("dev")) {
            ObjectNode monitor = one(overlay, "ServiceMonitor", "triage");
            assertEquals("management", monitor.at("/spec/endpoints/0/port").asText());
            assertEquals("/q/metrics", monitor.at("/spec/endpoints/0/path").asText());
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void networkPoliciesAdmitOnlyTheIngressControllerAndPrometheus(String overlay) {
        ObjectNode policy = one(overlay, "NetworkPolicy", "triage");
        assertEquals("triage", policy.at("/spec/podSelector/matchLabels/app.kubernetes.io~1name").asText());
        JsonNode ingress = policy.at("/spec/ingress");
        assertEquals(2, ingress.size(), overlay + ": two ingress rules");
        for (JsonNode rule : ingress) {
            assertEquals(1, rule.get("ports").size());
            assertFalse(rule.path("from").isMissingNode() || rule.get("from").isEmpty(),
                    overlay + ": an ingress rule without `from` admits every source");
        }
        assertEquals("http", ingress.at("/0/ports/0/port").asText());
        assertEquals("management", ingress.at("/1/ports/0/port").asText());
        assertEquals("prometheus", ingress.at("/1/from/0/podSelector/matchLabels/app.kubernetes.io~1name").asText());
        // Egress: DNS here, the database in triage-database (and the identity provider in production);
        // nothing open to every destination, in any policy.
        one(overlay, "NetworkPolicy", "triage-database");
        for (ObjectNode any : Manifests.ofKind(overlay, "NetworkPolicy")) {
            String name = any.at("/metadata/name").asText();
            any.at("/spec/egress").forEach(rule -> {
                assertFalse(rule.path("to").isMissingNode() || rule.get("to").isEmpty(),
                        overlay + ": NetworkPolicy " + name + " has an egress rule to anywhere");
                rule.get("to").forEach(peer -> assertFalse(peer.at("/ipBlock/cidr").asText().endsWith("/0"),
                        overlay + ": NetworkPolicy " + name + " lets egress go to " + peer));
            });
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void shutdownFitsTheGracePeriodAndRolloutsWaitForIt(String overlay) {
        ObjectNode deployment = one(overlay, "Deployment", "triage");
        long delay = Duration.parse(property("quarkus.shutdown.delay")).toSeconds();
        long timeout = Duration.parse(property("quarkus.shutdown.timeout")).toSeconds();
        assertEquals("true", property("quarkus.shutdown.delay-enabled"));
        int grace = deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asInt();
        assertTrue(grace > delay + timeout, overlay + ": terminationGracePeriodSeconds " + grace
                + " must exceed quarkus.shutdown.delay + timeout = " + (delay + timeout));
        assertTrue(deployment.at("/spec/minReadySeconds").asInt() >= grace,
                overlay + ": minReadySeconds below the grace period lets terminating pods pile up (connection budget)");
        assertTrue(deployment.at("/spec/replicas").isMissingNode(), overlay + ": the HPA owns replicas");
        ObjectNode hpa = one(overlay, "HorizontalPodAutoscaler", "triage");
        assertEquals("Deployment", hpa.at("/spec/scaleTargetRef/kind").asText());
        assertEquals("triage", hpa.at("/spec/scaleTargetRef/name").asText());
        assertTrue(hpa.at("/spec/minReplicas").asInt() <= hpa.at("/spec/maxReplicas").asInt());
        ObjectNode pdb = one(overlay, "PodDisruptionBudget", "triage");
        assertTrue(pdb.at("/spec/minAvailable").asInt() < hpa.at("/spec/minReplicas").asInt()
                || overlay.equals("dev"), overlay + ": a PDB as large as minReplicas blocks every drain");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyPodIsRestrictedAndHasNoServiceAccountToken(String overlay) {
        for (ObjectNode workload : Manifests.render(overlay)) {
            String kind = workload.path("kind").asText();
            if (!kind.equals("Deployment") && !kind.equals("StatefulSet")) {
                continue;
            }
            String where = overlay + ": " + kind + " " + workload.at("/metadata/name").asText();
            JsonNode pod = workload.at("/spec/template/spec");
            assertFalse(pod.path("automountServiceAccountToken").asBoolean(true), where + ": service account token mounted");
            assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean(), where + ": runAsNonRoot");
            assertEquals("RuntimeDefault", pod.at("/securityContext/seccompProfile/type").asText(), where + ": seccomp");
            for (JsonNode c : pod.get("containers")) {
                JsonNode sc = c.get("securityContext");
                assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), where + ": allowPrivilegeEscalation");
                assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(), where + ": readOnlyRootFilesystem");
                assertEquals("[\"ALL\"]", sc.at("/capabilities/drop").toString(), where + ": capabilities");
                assertTrue(c.at("/resources/limits/memory").isTextual(), where + ": no memory limit");
                assertTrue(c.has("readinessProbe") && c.has("livenessProbe"), where + ": probes");
            }
        }
        for (ObjectNode ns : Manifests.ofKind(overlay, "Namespace")) {
            assertEquals("restricted", ns.at("/metadata/labels/pod-security.kubernetes.io~1enforce").asText());
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void imagesLabelsAndNamespace(String overlay) throws IOException {
        String image = triageContainer(overlay).get("image").asText();
        if (overlay.equals("dev")) {
            assertEquals("triage:dev", image);
        } else {
            assertTrue(image.matches("[a-z0-9.-]+(:[0-9]+)?/.+(:[\\w.-]+|@sha256:[0-9a-f]{64})"),
                    overlay + ": the image needs a registry and a tag or digest: " + image);
            assertFalse(image.endsWith(":latest"), overlay + ": a moving tag");
        }
        String namespace = overlay.equals("dev") ? "triage-dev" : "triage";
        for (ObjectNode object : Manifests.render(overlay)) {
            if (!object.path("kind").asText().equals("Namespace")) {
                assertEquals(namespace, object.at("/metadata/namespace").asText(),
                        overlay + ": " + object.path("kind").asText() + " outside the namespace");
            }
        }
        ObjectNode deployment = one(overlay, "Deployment", "triage");
        JsonNode selector = deployment.at("/spec/selector/matchLabels");
        JsonNode labels = deployment.at("/spec/template/metadata/labels");
        selector.fields().forEachRemaining(e -> assertEquals(e.getValue(), labels.get(e.getKey()),
                overlay + ": selector label " + e.getKey() + " not on the pods"));
        // The image's ports are the ones the manifests use.
        for (String dockerfile : List.of("Dockerfile.native", "Dockerfile.jvm")) {
            String text = Files.readString(Manifests.ROOT.resolve(dockerfile));
            assertTrue(text.contains("EXPOSE " + HTTP_PORT + " " + MANAGEMENT_PORT), dockerfile + " exposes 8080 and 9000");
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theHeapFitsTheMemoryLimit(String overlay) {
        JsonNode container = triageContainer(overlay);
        String xmx = container.at("/args/0").asText();
        assertTrue(xmx.matches("-Xmx\\d+m"), overlay + ": the native heap bound: " + xmx);
        long heapMi = Long.parseLong(xmx.replaceAll("\\D", ""));
        String limit = container.at("/resources/limits/memory").asText();
        assertTrue(limit.endsWith("Mi"), limit);
        long limitMi = Long.parseLong(limit.replace("Mi", ""));
        assertTrue(heapMi <= limitMi / 2, overlay + ": -Xmx" + heapMi + "m leaves too little of " + limit
                + " for everything outside the heap (measured ~190 MiB on the JVM)");
        assertEquals(container.at("/resources/requests/memory").asText(), limit, overlay + ": memory request = limit");
    }

    /** A static token entry as StaticTokens accepts it: name, known roles, at least 16 token characters. */
    private static final java.util.regex.Pattern TOKEN_ENTRY = java.util.regex.Pattern.compile(
            "[A-Za-z0-9._-]{1,64}:(reader|writer|admin|alert-sender)(,(reader|writer|admin|alert-sender))*"
                    + ":[A-Za-z0-9\\-._~+/]{16,}=*");

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void apiTokensComeFromTheMountedSecretFile(String overlay) {
        JsonNode container = triageContainer(overlay);
        Map<String, String> env = new java.util.HashMap<>();
        container.path("env").forEach(e -> env.put(e.get("name").asText(), e.path("value").asText()));
        assertFalse(env.containsKey("TRIAGE_ADMIN_TOKEN"), overlay + ": the deprecated TRIAGE_ADMIN_TOKEN is set");
        assertFalse(env.containsKey("TRIAGE_AUTH_TOKENS"), overlay + ": tokens in the manifests");
        JsonNode volume = volume(overlay, "api-tokens");
        // Required: without its tokens a pod must not start (StaticTokens refuses an unreadable file).
        assertTrue(volume.at("/secret/secretName").asText().startsWith("triage-api-tokens"), overlay + ": " + volume);
        assertFalse(volume.at("/secret/optional").asBoolean(false), overlay + ": the tokens Secret is optional");
        assertEquals(mountPath(container, "api-tokens") + "/tokens", env.get("TRIAGE_AUTH_TOKENS_FILE"),
                overlay + ": TRIAGE_AUTH_TOKENS_FILE names the key tokens of the mounted Secret");
        if (overlay.equals("dev")) {
            // The generated throwaway Secret must be one the service accepts, or dev pods never start.
            JsonNode secret = Manifests.ofKind("dev", "Secret").stream()
                    .filter(o -> o.at("/metadata/name").asText().startsWith("triage-api-tokens")).findFirst().orElseThrow();
            String tokens = new String(java.util.Base64.getMimeDecoder().decode(secret.at("/data/tokens").asText()),
                    java.nio.charset.StandardCharsets.UTF_8);
            for (String entry : tokens.strip().split("\\s+")) {
                assertTrue(TOKEN_ENTRY.matcher(entry).matches(), "dev: a token entry the service refuses: " + entry.split(":")[0]);
            }
        } else {
            assertTrue(Manifests.ofKind(overlay, "Secret").stream()
                    .noneMatch(o -> o.at("/metadata/name").asText().startsWith("triage-api-tokens")),
                    overlay + ": the tokens Secret is created out of band, never rendered");
        }
    }

    @Test
    void theExampleTokensSecretHoldsNoToken() throws IOException {
        JsonNode example = readLocal("k8s/base/api-tokens.example.yaml");
        assertEquals("triage-api-tokens", example.at("/metadata/name").asText());
        String tokens = example.at("/stringData/tokens").asText();
        assertTrue(tokens.contains("alert-sender"), "the example shows the roles");
        for (String line : tokens.split("\\R")) {
            assertTrue(line.isBlank() || line.strip().startsWith("#"), "the example holds a token entry: " + line);
        }
        assertFalse(Files.readString(Manifests.ROOT.resolve("k8s/base/kustomization.yaml"))
                .matches("(?s).*\\n\\s*-\\s*api-tokens\\.example\\.yaml.*"), "the example is applied");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void maintenanceCanBeSwitchedOnByAnOptionalConfigMap(String overlay) {
        JsonNode container = triageContainer(overlay);
        JsonNode volume = volume(overlay, "maintenance");
        assertEquals("triage-maintenance", volume.at("/configMap/name").asText());
        assertTrue(volume.at("/configMap/optional").asBoolean(), overlay + ": without the ConfigMap pods must start");
        String file = null;
        for (JsonNode e : container.path("env")) {
            if (e.get("name").asText().equals("TRIAGE_MAINTENANCE_FILE")) {
                file = e.get("value").asText();
            }
        }
        assertEquals(mountPath(container, "maintenance") + "/maintenance.properties", file, overlay);
        assertEquals("${TRIAGE_MAINTENANCE_FILE:}", property("triage.maintenance.file"),
                "the production profile reads TRIAGE_MAINTENANCE_FILE");
        assertTrue(Manifests.find(overlay, "ConfigMap", "triage-maintenance").isEmpty(),
                overlay + ": a rendered triage-maintenance would be switched back by every apply");
    }

    @Test
    void jwtsAreOptionalAndTheIdentityProviderIsReachable() {
        JsonNode installation = readLocal("k8s/overlays/production/installation.yaml");
        JsonNode example = readLocal("k8s/overlays/production/jwt.example.yaml");
        assertEquals("triage-jwt", example.at("/metadata/name").asText());
        assertEquals(Set.of("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "MP_JWT_VERIFY_ISSUER"),
                Set.copyOf(iterable(example.get("data").fieldNames())), "key location and issuer, always together");
        example.get("data").forEach(v -> assertFalse(v.asText().isBlank(), "an empty MP_JWT_* value stops the service"));
        for (String overlay : List.of("production", "ha")) {
            // Not rendered: created by the operator when wanted (an empty one would stop every pod).
            assertTrue(Manifests.find(overlay, "ConfigMap", "triage-jwt").isEmpty(), overlay);
            boolean referenced = false;
            for (JsonNode from : triageContainer(overlay).path("envFrom")) {
                referenced |= from.at("/configMapRef/name").asText().equals("triage-jwt")
                        && from.at("/configMapRef/optional").asBoolean();
            }
            assertTrue(referenced, overlay + ": the pods read triage-jwt when it exists (optional)");
            JsonNode egress = one(overlay, "NetworkPolicy", "triage-identity-provider").at("/spec/egress/0");
            assertEquals(installation.at("/data/identityProviderCidr").asText(), egress.at("/to/0/ipBlock/cidr").asText());
            assertEquals(443, egress.at("/ports/0/port").asInt(), overlay + ": JWKS over HTTPS");
        }
        assertTrue(Manifests.find("dev", "NetworkPolicy", "triage-identity-provider").isEmpty());
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void noSettingTheServiceReadsIsEmpty(String overlay) {
        // An empty value is not "unset" for every setting: empty MP_JWT_* values stop the service.
        JsonNode container = triageContainer(overlay);
        container.path("env").forEach(e -> assertFalse(e.has("value") && e.get("value").asText().isEmpty(),
                overlay + ": empty env " + e.get("name").asText()));
        for (JsonNode from : container.path("envFrom")) {
            String name = from.at("/configMapRef/name").asText();
            Manifests.find(overlay, "ConfigMap", name).ifPresent(map -> map.path("data").fields().forEachRemaining(
                    e -> assertFalse(e.getValue().asText().isEmpty(), overlay + ": ConfigMap " + name + " sets "
                            + e.getKey() + " empty")));
        }
    }

    @Test
    void theAlertmanagerExamplesFitTheNotificationCap() throws IOException {
        int cap = Integer.parseInt(property("triage.alerts.max-per-notification"));
        int examples = 0;
        for (String doc : List.of("README.md", "docs/OPERATIONS.md")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("max_alerts:\\s*(\\d+)")
                    .matcher(Files.readString(Manifests.ROOT.resolve(doc)));
            while (m.find()) {
                examples++;
                assertTrue(Integer.parseInt(m.group(1)) <= cap, doc + ": max_alerts " + m.group(1)
                        + " above triage.alerts.max-per-notification " + cap + " (every notification would be a 413)");
            }
        }
        assertTrue(examples >= 2, "Alertmanager examples with max_alerts found: " + examples);
    }

    private static JsonNode volume(String overlay, String name) {
        for (JsonNode v : one(overlay, "Deployment", "triage").at("/spec/template/spec/volumes")) {
            if (v.get("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError(overlay + ": no volume " + name);
    }

    private static String mountPath(JsonNode container, String volume) {
        for (JsonNode m : container.path("volumeMounts")) {
            if (m.get("name").asText().equals(volume)) {
                return m.get("mountPath").asText();
            }
        }
        throw new AssertionError("volume " + volume + " is not mounted");
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> list = new java.util.ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }

    @Test
    void runbookLinksAreThoseOfTheInstallation() {
        for (String overlay : List.of("production", "ha")) {
            ObjectNode installation = (ObjectNode) readLocal("k8s/overlays/production/installation.yaml");
            String triageUrl = installation.at("/data/runbookTriageUrl").asText();
            String guideUrl = installation.at("/data/runbookGuideUrl").asText();
            ObjectNode rule = one(overlay, "PrometheusRule", "triage");
            int n = 0;
            for (JsonNode group : rule.at("/spec/groups")) {
                for (JsonNode r : group.get("rules")) {
                    String url = r.at("/annotations/runbook_url").asText();
                    boolean prompt = url.startsWith(triageUrl + "/api/v1/diagnostics/prompt?category=");
                    boolean guide = url.startsWith(guideUrl + "#") && url.length() > guideUrl.length() + 1;
                    assertTrue(prompt || guide, overlay + ": " + r.get("alert").asText() + " runbook " + url);
                    n++;
                }
            }
            assertTrue(n >= 8, overlay + ": alerts rendered: " + n);
        }
    }

    @Test
    void theHighlyAvailableDatabaseIsCloudNativePgWithATransactionPooler() {
        // No CRD schema package exists here for CloudNativePG: the fields Triage relies on, one by one.
        ObjectNode cluster = one("ha", "Cluster", "triage-db");
        assertEquals("postgresql.cnpg.io/v1", cluster.get("apiVersion").asText());
        assertEquals(3, cluster.at("/spec/instances").asInt());
        assertEquals("any", cluster.at("/spec/postgresql/synchronous/method").asText());
        assertEquals(1, cluster.at("/spec/postgresql/synchronous/number").asInt());
        assertEquals("required", cluster.at("/spec/postgresql/synchronous/dataDurability").asText());
        assertEquals("triage", cluster.at("/spec/bootstrap/initdb/database").asText());
        assertEquals("triage", cluster.at("/spec/bootstrap/initdb/owner").asText());
        assertEquals("triage-db", cluster.at("/spec/bootstrap/initdb/secret/name").asText());
        JsonNode sql = cluster.at("/spec/bootstrap/initdb/postInitApplicationSQL");
        long statementTimeout = Long.parseLong(property("quarkus.datasource.reactive.additional-properties.statement_timeout"));
        long lockTimeout = Long.parseLong(property("quarkus.datasource.reactive.additional-properties.lock_timeout"));
        assertTrue(sql.toString().contains("statement_timeout = '" + statementTimeout + "ms'"),
                "the role's statement_timeout is the pool's: " + sql);
        assertTrue(sql.toString().contains("lock_timeout = '" + lockTimeout / 1000 + "s'"),
                "the role's lock_timeout is the pool's: " + sql);
        assertTrue(cluster.at("/spec/certificates/serverAltDNSNames").toString().contains("\"triage-pooler-rw\""),
                "the pooler's name in the server certificate (verify-full)");

        ObjectNode pooler = one("ha", "Pooler", "triage-pooler-rw");
        assertEquals("postgresql.cnpg.io/v1", pooler.get("apiVersion").asText());
        assertEquals("triage-db", pooler.at("/spec/cluster/name").asText());
        assertEquals("rw", pooler.at("/spec/type").asText());
        assertEquals("transaction", pooler.at("/spec/pgbouncer/poolMode").asText());
        assertEquals(Set.of("statement_timeout", "lock_timeout"),
                Set.of(pooler.at("/spec/pgbouncer/parameters/ignore_startup_parameters").asText().split(",")));

        JsonNode config = one("ha", "ConfigMap", "triage").get("data");
        assertEquals("triage-pooler-rw", config.get("DB_HOST").asText());
        // Transaction mode: unnamed statements, parsed again with every execution (.ci/pgbouncer-e2e.sh
        // runs them through a real PgBouncer); connections straight to a server keep the statement cache.
        assertEquals("false", config.path("QUARKUS_DATASOURCE_REACTIVE_CACHE_PREPARED_STATEMENTS").asText());
        assertEquals("true", config.path("QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_USE_LAYER7_PROXY").asText());
        for (String direct : List.of("dev", "production")) {
            JsonNode data = one(direct, "ConfigMap", "triage").get("data");
            assertFalse(data.has("QUARKUS_DATASOURCE_REACTIVE_CACHE_PREPARED_STATEMENTS")
                    || data.has("QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_USE_LAYER7_PROXY"), direct + ": " + data);
        }
        assertEquals("jdbc:postgresql://triage-db-rw:5432/triage", config.get("QUARKUS_DATASOURCE_JDBC_URL").asText());
        assertEquals("verify-full", config.get("QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_SSL_MODE").asText());
        JsonNode volumes = one("ha", "Deployment", "triage").at("/spec/template/spec/volumes");
        boolean caFromCluster = false;
        for (JsonNode v : volumes) {
            caFromCluster |= v.get("name").asText().equals("db-ca") && v.at("/secret/secretName").asText().equals("triage-db-ca");
        }
        assertTrue(caFromCluster, "ha: the CA is the cluster's Secret triage-db-ca: " + volumes);
    }

    static JsonNode triageContainer(String overlay) {
        JsonNode containers = one(overlay, "Deployment", "triage").at("/spec/template/spec/containers");
        assertEquals(1, containers.size());
        assertEquals("triage", containers.get(0).get("name").asText());
        return containers.get(0);
    }

    private static JsonNode readLocal(String file) {
        try {
            return Manifests.YAML.readTree(Manifests.ROOT.resolve(file).toFile());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
