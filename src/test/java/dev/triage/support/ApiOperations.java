package dev.triage.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Constraint;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import dev.triage.api.CallerRateLimited;

/**
 * Every API operation as its code defines it, and the error statuses it can answer, derived from
 * the resource method (read by reflection from the compiled classes) and the configuration in
 * force:
 * <ul>
 * <li>{@code @RolesAllowed}, or {@code @PermitAll} under an enabled HTTP permission with a roles
 * policy: 401 and 403;</li>
 * <li>a body parameter: 400, 413, 415; query parameters or constrained parameters: 400;</li>
 * <li>{@code @Produces}: 406; {@link CallerRateLimited}: 429; always 500 (a bug);</li>
 * <li>what the method's code leads to ({@link ReachableStatuses}): its ProblemExceptions, and 503
 * where it goes through the guarded database path.</li>
 * </ul>
 */
public final class ApiOperations {

    /** Where the build writes the main classes (tests run from the project directory). */
    public static final Path CLASSES = Path.of("target", "classes");
    private static final Pattern PERMISSION_PATHS = Pattern.compile("quarkus\\.http\\.auth\\.permission\\.([^.]+)\\.paths");
    private static final Set<String> PARAMETER_ANNOTATIONS = Set.of("PathParam", "QueryParam", "HeaderParam",
            "CookieParam", "MatrixParam", "FormParam", "BeanParam", "Context", "RestPath", "RestQuery", "RestHeader",
            "RestCookie", "RestMatrix", "RestForm");

    /**
     * One operation. {@code roles} is null when no token is needed; {@code reachable} is what its
     * code leads to.
     */
    public record Operation(String method, String path, Method javaMethod, List<String> roles, boolean body,
            Set<String> consumes, Set<String> produces, boolean rateLimited, boolean validatedParameters,
            List<String> queryParameters, Set<Integer> reachable) {

        public String key() {
            return method + " " + path;
        }

        /** The error statuses (4xx, 5xx) this operation can answer. */
        public Set<Integer> expectedErrors() {
            Set<Integer> expected = new TreeSet<>(reachable);
            if (roles != null) {
                expected.addAll(List.of(401, 403));
            }
            if (body) {
                expected.addAll(List.of(400, 413, 415));
            }
            if (validatedParameters) {
                expected.add(400);
            }
            if (!produces.isEmpty()) {
                expected.add(406);
            }
            if (rateLimited) {
                expected.add(429);
            }
            expected.add(500);
            return expected;
        }

        public boolean touchesDatabase() {
            return reachable.contains(503);
        }

        @Override
        public String toString() {
            return key();
        }
    }

    private ApiOperations() {
    }

    /** Every operation of every resource class under dev.triage, sorted by path and method. */
    public static List<Operation> all() {
        ClassLoader loader = ApiOperations.class.getClassLoader();
        ReachableStatuses reachable = new ReachableStatuses(CLASSES);
        List<Operation> operations = new ArrayList<>();
        for (Class<?> resource : resources(loader)) {
            String base = resource.getAnnotation(jakarta.ws.rs.Path.class).value();
            for (Method method : resource.getDeclaredMethods()) {
                Optional<String> http = httpMethod(method);
                if (http.isEmpty() || method.isSynthetic() || method.isBridge()) {
                    continue;
                }
                jakarta.ws.rs.Path sub = method.getAnnotation(jakarta.ws.rs.Path.class);
                String path = join(base, sub == null ? "" : sub.value());
                List<Parameter> bodies = Arrays.stream(method.getParameters()).filter(ApiOperations::isBody).toList();
                List<String> query = Arrays.stream(method.getParameters()).filter(p -> p.isAnnotationPresent(QueryParam.class))
                        .map(p -> p.getAnnotation(QueryParam.class).value()).sorted().toList();
                boolean constrained = Arrays.stream(method.getParameters()).anyMatch(ApiOperations::isConstrained);
                operations.add(new Operation(http.get(), path, method, roles(resource, method, path), !bodies.isEmpty(),
                        mediaTypes(method.getAnnotation(Consumes.class), resource.getAnnotation(Consumes.class), bodies.isEmpty()),
                        mediaTypes(method.getAnnotation(Produces.class), resource.getAnnotation(Produces.class), false),
                        method.isAnnotationPresent(CallerRateLimited.class) || resource.isAnnotationPresent(CallerRateLimited.class),
                        !query.isEmpty() || constrained, query, reachable.of(method)));
            }
        }
        operations.sort(Comparator.comparing(Operation::path).thenComparing(Operation::method));
        return operations;
    }

    private static List<Class<?>> resources(ClassLoader loader) {
        try (Stream<Path> files = Files.walk(CLASSES.resolve("dev/triage"))) {
            List<Class<?>> resources = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().contains("$"))
                    .toList()) {
                String name = CLASSES.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
                Class<?> type = Class.forName(name.substring(0, name.length() - ".class".length()), false, loader);
                if (type.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                    resources.add(type);
                }
            }
            if (resources.isEmpty()) {
                throw new AssertionError("no resource class under " + CLASSES.toAbsolutePath());
            }
            return resources;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static Optional<String> httpMethod(Method method) {
        return Arrays.stream(method.getAnnotations())
                .map(a -> a.annotationType().getAnnotation(HttpMethod.class))
                .filter(m -> m != null).map(HttpMethod::value).findFirst();
    }

    /** The roles a token must carry, or null when the operation needs no token. */
    private static List<String> roles(Class<?> resource, Method method, String path) {
        RolesAllowed allowed = method.getAnnotation(RolesAllowed.class);
        if (allowed == null && !method.isAnnotationPresent(PermitAll.class)) {
            allowed = resource.getAnnotation(RolesAllowed.class);
        }
        if (allowed != null) {
            return List.of(allowed.value());
        }
        return permissionRoles(path);
    }

    /** The roles an enabled HTTP permission on this path requires (its policy's roles-allowed), or null. */
    private static List<String> permissionRoles(String path) {
        Config config = ConfigProvider.getConfig();
        for (String property : config.getPropertyNames()) {
            Matcher permission = PERMISSION_PATHS.matcher(property);
            if (!permission.matches()) {
                continue;
            }
            String prefix = "quarkus.http.auth.permission." + permission.group(1) + ".";
            if (!config.getOptionalValues(prefix + "paths", String.class).orElse(List.of()).contains(path)
                    || !config.getOptionalValue(prefix + "enabled", Boolean.class).orElse(true)) {
                continue;
            }
            String policy = config.getOptionalValue(prefix + "policy", String.class).orElse("");
            Optional<List<String>> roles = config.getOptionalValues("quarkus.http.auth.policy." + policy + ".roles-allowed",
                    String.class);
            if (roles.isPresent()) {
                return roles.get();
            }
        }
        return null;
    }

    private static boolean isBody(Parameter parameter) {
        for (Annotation annotation : parameter.getAnnotations()) {
            if (PARAMETER_ANNOTATIONS.contains(annotation.annotationType().getSimpleName())) {
                return false;
            }
        }
        String type = parameter.getType().getName();
        return !type.startsWith("jakarta.ws.rs.") && !type.startsWith("io.vertx.");
    }

    private static boolean isConstrained(Parameter parameter) {
        return Arrays.stream(parameter.getAnnotations()).anyMatch(a -> a instanceof Valid
                || a.annotationType().isAnnotationPresent(Constraint.class));
    }

    private static Set<String> mediaTypes(Annotation onMethod, Annotation onClass, boolean none) {
        if (none) {
            return Set.of();
        }
        Annotation chosen = onMethod != null ? onMethod : onClass;
        String[] values = chosen == null ? new String[0]
                : chosen instanceof Consumes c ? c.value() : ((Produces) chosen).value();
        Set<String> types = new LinkedHashSet<>();
        for (String value : values) {
            types.add(value.split(";")[0].trim());
        }
        return types;
    }

    private static String join(String base, String sub) {
        String path = "/" + base.replaceAll("^/+|/+$", "");
        String rest = sub.replaceAll("^/+|/+$", "");
        return rest.isEmpty() ? path : path + "/" + rest;
    }
}
