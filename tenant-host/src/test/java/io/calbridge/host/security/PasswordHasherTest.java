package io.calbridge.host.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher(1_000);

    @Test
    void rightPassword_verifies() {
        assertTrue(hasher.verify("correct horse", hasher.hash("correct horse")));
    }

    @Test
    void wrongPassword_fails() {
        assertFalse(hasher.verify("correct hors", hasher.hash("correct horse")));
    }

    @Test
    void sameStoredFormat_carriesSchemeIterationsAndSalt() {
        String[] parts = hasher.hash("pw").split("\\$");

        assertEquals(4, parts.length);
        assertEquals("pbkdf2-sha256", parts[0]);
        assertEquals("1000", parts[1]);
    }

    @Test
    void samePasswordTwice_differentSaltsAndHashes() {
        assertNotEquals(hasher.hash("pw"), hasher.hash("pw"));
    }

    @Test
    void hashMadeWithOtherIterations_stillVerifies() {
        String old = new PasswordHasher(2_000).hash("pw");

        assertTrue(hasher.verify("pw", old));
    }

    @Test
    void malformedOrForeignStoredValues_neverVerify() {
        String good = hasher.hash("pw");
        String[] parts = good.split("\\$");

        assertFalse(hasher.verify("pw", "pw"));
        assertFalse(hasher.verify("pw", "bcrypt$1000$" + parts[2] + "$" + parts[3]));
        assertFalse(hasher.verify("pw", "pbkdf2-sha256$1$" + parts[2] + "$" + parts[3]));
        assertFalse(hasher.verify("pw", "pbkdf2-sha256$x$" + parts[2] + "$" + parts[3]));
        assertFalse(hasher.verify("pw", "pbkdf2-sha256$1000$%%%$" + parts[3]));
        assertFalse(hasher.verify("pw", good.substring(0, good.length() - 4) + "AAAA"));
        assertFalse(hasher.verify("", good));
        assertFalse(hasher.verify(null, good));
        assertFalse(hasher.verify("pw", null));
    }

    @Test
    void unknownUser_spendsAVerificationAndFails() {
        assertFalse(hasher.verifyNobody("anything"));
        assertFalse(hasher.verifyNobody(null));
    }

    @Test
    void tooFewIterationsOrEmptyPassword_refused() {
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(999));
        assertThrows(IllegalArgumentException.class, () -> hasher.hash(""));
    }
}
