package io.calbridge.host.security;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import org.pac4j.core.context.CallContext;
import org.pac4j.core.credentials.TokenCredentials;
import org.pac4j.jwt.config.signature.SignatureConfiguration;
import org.pac4j.jwt.credentials.authenticator.JwtAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pac4j's JWT check (signature, then {@code exp} if there is one), made strict (issue 13): a token
 * must carry {@code exp}, must not be used before its {@code nbf}, and both are judged by the host's
 * clock. A token that fails builds no profile, so the request stays anonymous (401), like an expired
 * one always did. Every token this host issues has {@code exp}; none has {@code nbf}.
 */
final class StrictJwtAuthenticator extends JwtAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(StrictJwtAuthenticator.class);
    private final Clock clock;

    StrictJwtAuthenticator(SignatureConfiguration signature, Clock clock) {
        super(signature);
        this.clock = clock;
    }

    @Override
    protected void createJwtProfile(CallContext ctx, TokenCredentials credentials, JWT jwt) throws ParseException {
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        Date now = Date.from(clock.instant());
        if (claims.getExpirationTime() == null) {
            log.debug("Bearer token without exp refused");
            return;
        }
        if (!claims.getExpirationTime().after(now)) {
            log.debug("Bearer token expired");
            return;
        }
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().after(now)) {
            log.debug("Bearer token used before its nbf");
            return;
        }
        super.createJwtProfile(ctx, credentials, jwt);
    }
}
