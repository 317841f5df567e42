package dev.triage.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The security features that the default test profile leaves at their defaults: JWTs verified
 * against an issuer's key set (a JWKS file made here at start, as an OIDC provider publishes it),
 * small per-caller rate limits, POST /api/v1/prompts opened by configuration, a tokens file
 * that the tests rewrite, and the deprecated TRIAGE_ADMIN_TOKEN.
 */
public class SecurityProfile implements QuarkusTestProfile {

    static final String ISSUER = "https://issuer.triage.test";
    static final String KEY_ID = "test-key-1";
    static final Path DIR = Path.of("target", "security-profile");
    static final Path PRIVATE_KEY = DIR.resolve("private.der");
    static final Path TOKENS_FILE = DIR.resolve("tokens");
    static final String FILE_TOKEN = "file-writer-token-0001";
    static final String LEGACY_ADMIN_TOKEN = "legacy-admin-token-0001";

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Files.createDirectories(DIR);
            Path jwks = DIR.resolve("jwks.json");
            // A new key pair once per test JVM (the overrides may be asked for more than once).
            if (System.getProperty("triage.security-profile.keys") == null) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                Files.write(PRIVATE_KEY, pair.getPrivate().getEncoded());
                RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) pair.getPublic());
                jwk.setKeyId(KEY_ID);
                jwk.setAlgorithm("RS256");
                jwk.setUse("sig");
                Files.writeString(jwks, new JsonWebKeySet(jwk).toJson());
                Files.writeString(TOKENS_FILE, "# written by SecurityProfile\nfile-writer:writer:" + FILE_TOKEN + "\n");
                System.setProperty("triage.security-profile.keys", "generated");
            }
            return Map.ofEntries(
                    // the in-memory dev/test key of smallrye-jwt would win over a location: switch it off
                    Map.entry("mp.jwt.verify.publickey", "NONE"),
                    Map.entry("mp.jwt.verify.publickey.location", jwks.toAbsolutePath().toUri().toString()),
                    Map.entry("mp.jwt.verify.issuer", ISSUER),
                    Map.entry("triage.rate-limit.writes.per-minute", "6"),
                    Map.entry("triage.rate-limit.writes.burst", "3"),
                    Map.entry("triage.rate-limit.alerts.per-minute", "6"),
                    Map.entry("triage.rate-limit.alerts.burst", "2"),
                    Map.entry("triage.auth.prompts-require-token", "false"),
                    Map.entry("triage.auth.tokens-file", TOKENS_FILE.toAbsolutePath().toString()),
                    Map.entry("triage.auth.tokens-file-check-interval", "PT1S"),
                    Map.entry("triage.admin.token", LEGACY_ADMIN_TOKEN));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static java.security.PrivateKey privateKey() {
        try {
            return java.security.KeyFactory.getInstance("RSA")
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(Files.readAllBytes(PRIVATE_KEY)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
