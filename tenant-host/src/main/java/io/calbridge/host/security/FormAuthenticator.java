package io.calbridge.host.security;

import java.util.Optional;
import org.pac4j.core.context.CallContext;
import org.pac4j.core.credentials.Credentials;
import org.pac4j.core.credentials.UsernamePasswordCredentials;
import org.pac4j.core.credentials.authenticator.Authenticator;
import org.pac4j.core.exception.CredentialsException;
import org.pac4j.javalin.JavalinWebContext;

/**
 * pac4j's door to our users for the login form: checks the password against {@code app_user}
 * and puts user id, tenant and role on the profile. pac4j's FormClient sends the browser back to
 * {@code /login?error=<exception class name>} when this throws, so the class names are the error
 * codes the login page understands.
 */
final class FormAuthenticator implements Authenticator {
    static final String LOGGED_IN_ATTRIBUTE = "calbridge.loggedIn";

    /** Unknown email or wrong password. */
    static final class BadCredentials extends CredentialsException {
        BadCredentials() {
            super("wrong email or password");
        }
    }

    static final class NoTenant extends CredentialsException {
        NoTenant() {
            super("the account belongs to no tenant");
        }
    }

    static final class Throttled extends CredentialsException {
        Throttled() {
            super("too many failed attempts");
        }
    }

    private final Logins logins;

    FormAuthenticator(Logins logins) {
        this.logins = logins;
    }

    @Override
    public Optional<Credentials> validate(CallContext cc, Credentials credentials) {
        UsernamePasswordCredentials up = (UsernamePasswordCredentials) credentials;
        String address = ((JavalinWebContext) cc.webContext()).getContext().ip();
        Logins.Outcome outcome = logins.attempt(up.getUsername(), up.getPassword(), address, Optional.empty());
        if (outcome instanceof Logins.Success s) {
            up.setUserProfile(Profiles.of(s.account(), s.tenant()));
            cc.webContext().setRequestAttribute(LOGGED_IN_ATTRIBUTE, Boolean.TRUE);
            return Optional.of(up);
        }
        if (outcome instanceof Logins.Throttled) {
            throw new Throttled();
        }
        if (outcome instanceof Logins.NoTenant) {
            throw new NoTenant();
        }
        throw new BadCredentials();
    }
}
