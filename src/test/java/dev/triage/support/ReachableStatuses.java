package dev.triage.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * The error statuses a method's own code can lead to, read from the compiled classes: every
 * method of Triage it calls, and every lambda or method reference it hands on (a Uni's map,
 * flatMap...), is followed, and these are collected:
 * <ul>
 * <li>{@code new ProblemException(<constant status>, ...)}, {@code ProblemException.notFound} (404) and
 * {@code .badRequest} (400), JAX-RS's NotAcceptableException (406);</li>
 * <li>a call to the guarded database path ({@code Database.query}, {@code update}, {@code control}):
 * 503, unless it happens under a {@code @Fallback} whose fallback method cannot fail (it answers
 * from memory whatever happens).</li>
 * </ul>
 * What frameworks add around a method (authentication, body reading, rate limits) is not code
 * that can be followed here: {@link ApiOperations} derives it from the annotations.
 */
public final class ReachableStatuses {

    private static final String OURS = "dev/triage/";
    private static final String DATABASE = "dev/triage/database/Database";
    private static final Set<String> DATABASE_OPERATIONS = Set.of("query", "update", "control");
    private static final String PROBLEM = "dev/triage/api/ProblemException";
    private static final String FALLBACK = "Lorg/eclipse/microprofile/faulttolerance/Fallback;";
    private static final Map<String, Integer> JAX_RS_EXCEPTIONS = Map.of(
            "jakarta/ws/rs/NotAcceptableException", 406, "jakarta/ws/rs/NotFoundException", 404,
            "jakarta/ws/rs/BadRequestException", 400, "jakarta/ws/rs/NotSupportedException", 415);

    /** The compiled classes as javac wrote them (not as Quarkus transforms them when it loads them). */
    private final Path classes;
    private final Map<String, ClassNode> read = new HashMap<>();
    private final Map<String, Set<Integer>> known = new HashMap<>();
    private final Set<String> walking = new HashSet<>();

    public ReachableStatuses(Path classes) {
        this.classes = classes;
    }

    /** The statuses the method can lead to, sorted. */
    public Set<Integer> of(Method method) {
        return new TreeSet<>(walk(Type.getInternalName(method.getDeclaringClass()), method.getName(),
                Type.getMethodDescriptor(method)));
    }

    private Set<Integer> walk(String owner, String name, String descriptor) {
        if (owner.equals(DATABASE) && DATABASE_OPERATIONS.contains(name)) {
            return Set.of(503);
        }
        if (owner.equals(PROBLEM) && name.equals("notFound")) {
            return Set.of(404);
        }
        if (owner.equals(PROBLEM) && name.equals("badRequest")) {
            return Set.of(400);
        }
        String key = owner + '.' + name + descriptor;
        Set<Integer> done = known.get(key);
        if (done != null) {
            return done;
        }
        if (!walking.add(key)) {
            return Set.of(); // a cycle: its statuses are collected where it started
        }
        Set<Integer> statuses = new HashSet<>();
        MethodNode method = find(owner, name, descriptor);
        if (method != null) {
            statuses.addAll(direct(owner, method));
            List<MethodNode> fallbacks = fallbacks(owner, method);
            for (MethodNode fallback : fallbacks) {
                statuses.addAll(direct(owner, fallback));
            }
            if (!fallbacks.isEmpty() && fallbacks.stream().noneMatch(f -> canFail(owner, f, new HashSet<>()))) {
                statuses.remove(503); // the fallback answers from memory, whatever the database does
            }
        }
        walking.remove(key);
        known.put(key, statuses);
        return statuses;
    }

    /** What the method's own instructions lead to, following calls into Triage's code. */
    private Set<Integer> direct(String owner, MethodNode method) {
        Set<Integer> statuses = new HashSet<>();
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (insn instanceof TypeInsnNode type && type.getOpcode() == Opcodes.NEW) {
                if (type.desc.equals(PROBLEM)) {
                    statuses.add(constantStatus(owner, method, type));
                } else if (JAX_RS_EXCEPTIONS.containsKey(type.desc)) {
                    statuses.add(JAX_RS_EXCEPTIONS.get(type.desc));
                }
            } else if (insn instanceof MethodInsnNode call && call.owner.startsWith(OURS)) {
                statuses.addAll(walk(call.owner, call.name, call.desc));
            } else if (insn instanceof InvokeDynamicInsnNode dynamic) {
                for (Object argument : dynamic.bsmArgs) {
                    if (argument instanceof Handle handle && handle.getOwner().startsWith(OURS)) {
                        statuses.addAll(walk(handle.getOwner(), handle.getName(), handle.getDesc()));
                    }
                }
            }
        }
        return statuses;
    }

    /** {@code new ProblemException(status, ...)}: the status pushed right after NEW and DUP. */
    private static int constantStatus(String owner, MethodNode method, TypeInsnNode creation) {
        AbstractInsnNode insn = creation.getNext();
        while (insn != null && (insn.getOpcode() < 0 || insn.getOpcode() == Opcodes.DUP)) {
            insn = insn.getNext();
        }
        if (insn instanceof IntInsnNode push && (push.getOpcode() == Opcodes.SIPUSH || push.getOpcode() == Opcodes.BIPUSH)) {
            return push.operand;
        }
        if (insn instanceof LdcInsnNode ldc && ldc.cst instanceof Integer status) {
            return status;
        }
        throw new AssertionError("new ProblemException in " + owner + "." + method.name
                + " has no constant status: the statuses it can answer cannot be derived; use a constant");
    }

    /** The fallback methods a {@code @Fallback(fallbackMethod = ...)} on the method names. */
    private List<MethodNode> fallbacks(String owner, MethodNode method) {
        List<MethodNode> found = new ArrayList<>();
        for (AnnotationNode annotation : annotations(method)) {
            if (!annotation.desc.equals(FALLBACK) || annotation.values == null) {
                continue;
            }
            for (int i = 0; i + 1 < annotation.values.size(); i += 2) {
                if ("fallbackMethod".equals(annotation.values.get(i))) {
                    String fallback = (String) annotation.values.get(i + 1);
                    for (MethodNode candidate : type(owner).methods) {
                        if (candidate.name.equals(fallback)) {
                            found.add(candidate);
                        }
                    }
                    if (found.isEmpty()) {
                        throw new AssertionError("@Fallback on " + owner + "." + method.name + " names " + fallback
                                + ", which is not in that class");
                    }
                }
            }
        }
        return found;
    }

    /** Whether a method (or a lambda it creates) throws or builds a failed Uni. */
    private boolean canFail(String owner, MethodNode method, Set<String> seen) {
        if (!seen.add(method.name + method.desc)) {
            return false;
        }
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (insn.getOpcode() == Opcodes.ATHROW) {
                return true;
            }
            if (insn instanceof MethodInsnNode call && call.owner.equals("io/smallrye/mutiny/groups/UniCreate")
                    && call.name.equals("failure")) {
                return true;
            }
            if (insn instanceof InvokeDynamicInsnNode dynamic) {
                for (Object argument : dynamic.bsmArgs) {
                    if (argument instanceof Handle handle && handle.getOwner().equals(owner)) {
                        MethodNode lambda = find(owner, handle.getName(), handle.getDesc());
                        if (lambda != null && canFail(owner, lambda, seen)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    private static List<AnnotationNode> annotations(MethodNode method) {
        List<AnnotationNode> all = new ArrayList<>();
        if (method.visibleAnnotations != null) {
            all.addAll(method.visibleAnnotations);
        }
        if (method.invisibleAnnotations != null) {
            all.addAll(method.invisibleAnnotations);
        }
        return all;
    }

    /** The method as declared by the class or the nearest superclass of Triage's that declares it. */
    private MethodNode find(String owner, String name, String descriptor) {
        String current = owner;
        while (current != null && current.startsWith(OURS)) {
            ClassNode type = type(current);
            for (MethodNode method : type.methods) {
                if (method.name.equals(name) && method.desc.equals(descriptor)) {
                    return (method.access & Opcodes.ACC_ABSTRACT) != 0 ? null : method;
                }
            }
            current = type.superName;
        }
        return null;
    }

    private ClassNode type(String internalName) {
        return read.computeIfAbsent(internalName, name -> {
            Path file = classes.resolve(name + ".class");
            if (!Files.isRegularFile(file)) {
                throw new AssertionError("no class file " + file);
            }
            try (InputStream in = Files.newInputStream(file)) {
                ClassNode node = new ClassNode();
                new ClassReader(in).accept(node, ClassReader.SKIP_FRAMES);
                return node;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
