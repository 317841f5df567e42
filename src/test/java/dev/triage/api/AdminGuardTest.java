package dev.triage.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class AdminGuardTest {

    @Test
    void withoutAConfiguredTokenEveryAdminCallIsForbidden() {
        AdminGuard guard = new AdminGuard(Optional.empty());
        assertEquals(403, assertThrows(ProblemException.class, () -> guard.require("Bearer anything")).status());
        assertEquals(403, assertThrows(ProblemException.class, () -> guard.require(null)).status());
        AdminGuard blank = new AdminGuard(Optional.of("  "));
        assertEquals(403, assertThrows(ProblemException.class, () -> blank.require("Bearer   ")).status());
    }

    @Test
    void onlyTheExactBearerTokenPasses() {
        AdminGuard guard = new AdminGuard(Optional.of("s3cret"));
        assertDoesNotThrow(() -> guard.require("Bearer s3cret"));
        assertDoesNotThrow(() -> guard.require("bearer s3cret"));
        for (String wrong : new String[] { null, "", "s3cret", "Bearer s3cre", "Bearer s3cret2", "Basic s3cret" }) {
            ProblemException e = assertThrows(ProblemException.class, () -> guard.require(wrong));
            assertEquals(401, e.status());
            assertEquals(false, e.getMessage().contains("s3cret"), "the token never appears in the problem");
        }
    }
}
