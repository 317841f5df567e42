package dev.triage.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.logging.Log;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Static API tokens for installations without an identity provider: from TRIAGE_AUTH_TOKENS, from
 * a file (a mounted Secret, re-read when it changes), from the deprecated TRIAGE_ADMIN_TOKEN (a
 * token named {@code admin} with the admin role) and, in dev mode only, the dev token.
 *
 * <p>Only SHA-256 digests of the tokens are kept. A presented token is hashed and compared with
 * every configured digest in constant time ({@link MessageDigest#isEqual}), all of them every
 * time, so the answer time says nothing about which token, or how much of one, matched. Tokens
 * never appear in logs or errors: a malformed entry is reported by its position and name.
 */
@ApplicationScoped
public class StaticTokens {

    /** A configured token: its name (the caller's identity), its roles, and the digest of its value. */
    public record Token(String name, Set<String> roles, byte[] digest) {
    }

    static final int MIN_LENGTH = 16;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** RFC 6750 b64token: what a bearer token may contain (so whitespace, ';' and ':' separate). */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

    private final AuthConfig config;
    private final Optional<String> legacyAdminToken;
    private final Vertx vertx;
    private volatile List<Token> fixed = List.of();
    private volatile List<Token> fromFile = List.of();
    /** Digest of the file content last read (valid or not), so an invalid file is reported once. */
    private volatile byte[] seen;
    private volatile boolean loaded;
    private volatile boolean unreadable;

    public StaticTokens(AuthConfig config,
            @ConfigProperty(name = "triage.admin.token") Optional<String> legacyAdminToken, Vertx vertx) {
        this.config = config;
        this.legacyAdminToken = legacyAdminToken.filter(t -> !t.isBlank());
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        List<Token> tokens = new ArrayList<>(parse(config.tokens().orElse(""), "TRIAGE_AUTH_TOKENS"));
        legacyAdminToken.ifPresent(value -> {
            Log.warn("TRIAGE_ADMIN_TOKEN (triage.admin.token) is deprecated: it is accepted as a static token named"
                    + " 'admin' with the admin role; move it to TRIAGE_AUTH_TOKENS as admin:admin:<token>");
            tokens.add(token("admin", Set.of(Roles.ADMIN), value.strip(), "TRIAGE_ADMIN_TOKEN"));
        });
        if (config.devToken().isPresent()) {
            if (LaunchMode.current() == LaunchMode.DEVELOPMENT) {
                tokens.add(token("dev", Roles.ALL, config.devToken().get(), "triage.auth.dev-token"));
                Log.infof("Dev mode: call the API with the development token, which has every role (%s):"
                        + " -H 'Authorization: Bearer %s'", String.join(", ", new java.util.TreeSet<>(Roles.ALL)),
                        config.devToken().get());
            } else {
                Log.warn("triage.auth.dev-token is ignored outside dev mode");
            }
        }
        fixed = List.copyOf(tokens);
        config.tokensFile().ifPresent(file -> {
            if (!reload(file)) {
                throw new IllegalStateException("The tokens file " + file + " (TRIAGE_AUTH_TOKENS_FILE) cannot be read");
            }
            long every = Math.max(1000, config.tokensFileCheckInterval().toMillis());
            vertx.setPeriodic(every, id -> vertx.executeBlocking(() -> reload(file), false));
        });
        Set<String> names = new HashSet<>();
        for (Token t : all()) {
            if (!names.add(t.name())) {
                throw new IllegalStateException("Two static tokens are named '" + t.name() + "'; names identify callers");
            }
        }
        Log.infof("Static API tokens: %d configured%s", all().size(), all().isEmpty() ? "" : " (" + describe(all()) + ")");
        var mp = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        boolean jwtKeys = mp.getOptionalValue("mp.jwt.verify.publickey.location", String.class).isPresent()
                || mp.getOptionalValue("mp.jwt.verify.publickey", String.class).filter(k -> !"NONE".equals(k)).isPresent();
        if (all().isEmpty() && !jwtKeys) {
            Log.warn("No static API token and no JWT key is configured: every /api/v1 request will be refused (401)."
                    + " Set TRIAGE_AUTH_TOKENS or TRIAGE_AUTH_TOKENS_FILE, or MP_JWT_VERIFY_PUBLICKEY_LOCATION and"
                    + " MP_JWT_VERIFY_ISSUER (README: Authentication)");
        }
    }

    /** The token whose value is {@code presented}, compared in constant time with every configured token. */
    public Optional<Token> match(String presented) {
        byte[] digest = sha256(presented);
        Token found = null;
        for (Token t : all()) {
            if (MessageDigest.isEqual(t.digest(), digest)) {
                found = t;
            }
        }
        return Optional.ofNullable(found);
    }

    List<Token> all() {
        List<Token> file = fromFile;
        if (file.isEmpty()) {
            return fixed;
        }
        List<Token> all = new ArrayList<>(fixed);
        all.addAll(file);
        return all;
    }

    /**
     * Re-reads the file and takes its tokens when its content changed (compared by digest: a
     * Secret update is an atomic symlink swap, and modification times can be coarse). An
     * unreadable or invalid file keeps the last good tokens and is logged once per change.
     */
    boolean reload(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            if (!loaded) {
                Log.errorf("Cannot read the tokens file %s: %s", file, e.getClass().getSimpleName());
                return false;
            }
            if (!unreadable) {
                Log.warnf("Cannot read the tokens file %s (keeping the previous tokens): %s", file,
                        e.getClass().getSimpleName());
                unreadable = true;
            }
            return true;
        }
        unreadable = false;
        byte[] digest = sha256(text);
        if (seen != null && MessageDigest.isEqual(digest, seen)) {
            return true;
        }
        seen = digest;
        try {
            List<Token> read = parse(text, file.toString());
            for (Token t : read) {
                if (fixed.stream().anyMatch(f -> f.name().equals(t.name()))) {
                    throw new IllegalArgumentException(file + ": the name '" + t.name()
                            + "' is already used by TRIAGE_AUTH_TOKENS or TRIAGE_ADMIN_TOKEN");
                }
            }
            if (loaded) {
                Log.infof("Tokens file %s changed: %d tokens (%s)", file, read.size(), describe(read));
            }
            fromFile = read;
            loaded = true;
            return true;
        } catch (IllegalArgumentException e) {
            if (!loaded) {
                Log.errorf("Cannot use the tokens file %s: %s", file, e.getMessage());
                return false;
            }
            Log.warnf("Cannot use the changed tokens file (keeping the previous tokens): %s", e.getMessage());
            return true;
        }
    }

    /** Parses {@code name:role[,role...]:token} entries; the error names the source, entry number and name, never the token. */
    static List<Token> parse(String text, String source) {
        List<Token> tokens = new ArrayList<>();
        int entry = 0;
        for (String line : text.split("\\R")) {
            String content = line.strip();
            if (content.isEmpty() || content.startsWith("#")) {
                continue;
            }
            for (String item : content.split("[\\s;]+")) {
                if (item.isEmpty()) {
                    continue;
                }
                entry++;
                String[] parts = item.split(":", -1);
                if (parts.length != 3) {
                    throw new IllegalArgumentException(source + ": entry " + entry
                            + " is not name:role[,role...]:token");
                }
                Set<String> roles = new LinkedHashSet<>();
                for (String role : parts[1].split(",")) {
                    roles.add(role.strip());
                }
                tokens.add(token(parts[0], roles, parts[2], source + " entry " + entry));
            }
        }
        return tokens;
    }

    static Token token(String name, Set<String> roles, String value, String where) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ": the name must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        for (String role : roles) {
            if (!Roles.ALL.contains(role)) {
                throw new IllegalArgumentException(where + " (" + name + "): unknown role '" + role + "' (roles: "
                        + String.join(", ", Roles.ALL) + ")");
            }
        }
        if (value.length() < MIN_LENGTH || !TOKEN.matcher(value).matches()) {
            throw new IllegalArgumentException(where + " (" + name + "): the token must be at least " + MIN_LENGTH
                    + " characters of A-Z a-z 0-9 - . _ ~ + / (e.g. openssl rand -hex 32)");
        }
        return new Token(name, Set.copyOf(roles), sha256(value));
    }

    private static String describe(List<Token> tokens) {
        StringBuilder s = new StringBuilder();
        for (Token t : tokens) {
            if (s.length() > 0) {
                s.append(", ");
            }
            s.append(t.name()).append(' ').append(t.roles().stream().sorted().toList());
        }
        return s.toString();
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
