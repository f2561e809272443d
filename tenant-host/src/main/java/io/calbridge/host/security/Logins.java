package io.calbridge.host.security;

import io.calbridge.host.security.UserDirectory.Account;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One login attempt, for the browser form and for {@code POST /api/token} alike: throttle check,
 * password check (also for unknown emails, to spend the same time), choice of tenant.
 */
record Logins(UserDirectory directory, PasswordHasher hasher, LoginThrottle throttle) {
    sealed interface Outcome {
    }

    record Success(Account account, Membership tenant) implements Outcome {
    }

    /** Unknown email or wrong password; callers must not say which. */
    record Rejected() implements Outcome {
    }

    record Throttled(Duration retryAfter) implements Outcome {
    }

    /** Right password, but the account belongs to no tenant, or not to the one asked for. */
    record NoTenant() implements Outcome {
    }

    /**
     * @param wantedTenant the tenant to act in; empty: the user's first tenant by name
     */
    Outcome attempt(String email, String password, String address, Optional<UUID> wantedTenant) {
        String normalized = email == null ? "" : email.strip();
        Optional<Duration> blocked = throttle.blockedFor(normalized, address);
        if (blocked.isPresent()) {
            return new Throttled(blocked.get());
        }
        Optional<Account> account = normalized.isEmpty() ? Optional.empty() : directory.findByEmail(normalized);
        boolean ok = account.isPresent()
                ? hasher.verify(password, account.get().passwordHash())
                : hasher.verifyNobody(password);
        if (!ok) {
            throttle.recordFailure(normalized, address);
            return new Rejected();
        }
        throttle.recordSuccess(normalized);
        List<Membership> memberships = directory.memberships(account.get().id());
        Optional<Membership> tenant = wantedTenant.isPresent()
                ? memberships.stream().filter(m -> m.tenantId().equals(wantedTenant.get())).findFirst()
                : memberships.stream().findFirst();
        return tenant.<Outcome>map(m -> new Success(account.get(), m)).orElseGet(NoTenant::new);
    }
}
