package io.calbridge.host.security;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.pac4j.jwt.config.signature.SecretSignatureConfiguration;
import org.pac4j.jwt.config.signature.SignatureConfiguration;
import org.pac4j.jwt.profile.JwtGenerator;

/**
 * Issues the short-lived bearer tokens of {@code POST /api/token}: HS256, claims {@code sub} (user
 * id), {@code tenant_id}, {@code role}, {@code email}, {@code iat}, {@code exp}. Verification is
 * pac4j's {@code JwtAuthenticator} with the same {@link #signature()}; the role in the token is only
 * informative, access always uses the membership as it is in the database.
 */
record JwtTokens(JwtKey key, Duration ttl, Clock clock) {
    static final String TENANT_CLAIM = "tenant_id";
    static final String ROLE_CLAIM = "role";

    record Issued(String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[token=***, expiresAt=" + expiresAt + "]";
        }
    }

    SignatureConfiguration signature() {
        return new SecretSignatureConfiguration(key.bytes(), JWSAlgorithm.HS256);
    }

    Issued issue(UUID userId, String email, Membership tenant) {
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", userId.toString());
        claims.put(TENANT_CLAIM, tenant.tenantId().toString());
        claims.put(ROLE_CLAIM, tenant.role().name());
        claims.put("email", email);
        claims.put("iat", Date.from(now));
        // A generator per token: JwtGenerator keeps the expiry in a mutable field.
        JwtGenerator generator = new JwtGenerator(signature());
        generator.setExpirationTime(Date.from(expires));
        return new Issued(generator.generate(claims), expires);
    }
}
