package dev.triage.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Static API tokens (see README "Authentication"); JWTs are configured with the mp.jwt.* properties. */
@ConfigMapping(prefix = "triage.auth")
public interface AuthConfig {

    /**
     * Static tokens, entries separated by whitespace or ';', each {@code name:role[,role...]:token}
     * (env TRIAGE_AUTH_TOKENS).
     */
    Optional<String> tokens();

    /** A file (a mounted Secret) in the same format, one entry per line, '#' comments (env TRIAGE_AUTH_TOKENS_FILE). */
    Optional<Path> tokensFile();

    /** How often the tokens file is checked for changes, so a rotated Secret needs no restart. */
    @WithDefault("PT10S")
    Duration tokensFileCheckInterval();

    /** Whether POST /api/v1/prompts needs a token (used by the HTTP permission "prompts"; env TRIAGE_AUTH_PROMPTS_REQUIRE_TOKEN). */
    @WithDefault("true")
    boolean promptsRequireToken();

    /** Dev mode only: a token with every role, printed at startup. Ignored in any other launch mode. */
    Optional<String> devToken();
}
