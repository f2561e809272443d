package io.calbridge.examples.minimal;

import io.calbridge.calendly.spi.HostSecurity;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The plugin asks "who is calling?"; the app answers with its own login. The workspace is the
 * plugin's tenant and the app's admins manage the Calendly connection.
 *
 * <p>The settings UI also needs a CSRF token for its forms. The app has no server sessions, so the
 * token is derived from the sign-in token (an HMAC with a key of this process): a forged form from
 * another site cannot know it, and it needs no storage. (A restart makes open forms stale.)
 */
final class AppSecurity implements HostSecurity {
    private final Users users;
    private final byte[] csrfKey = new byte[32];

    AppSecurity(Users users) {
        this.users = users;
        new SecureRandom().nextBytes(csrfKey);
    }

    @Override
    public Optional<Caller> caller(Context ctx) {
        return users.current(ctx)
                .map(u -> new Caller(String.valueOf(u.workspaceId()), String.valueOf(u.id()), u.admin()));
    }

    @Override
    public Optional<String> csrfToken(Context ctx) {
        String header = ctx.header("Authorization");
        String token = header != null && header.startsWith("Bearer ") ? header.substring(7).strip() : ctx.cookie(Users.COOKIE);
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(csrfKey, "HmacSHA256"));
            byte[] tag = mac.doFinal(token.getBytes(StandardCharsets.UTF_8));
            return Optional.of(Base64.getUrlEncoder().withoutPadding().encodeToString(tag));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
