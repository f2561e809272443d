package io.calbridge.calendly.internal.oauth;

import io.calbridge.calendly.internal.client.CalendlyApi;
import io.calbridge.calendly.internal.client.CalendlyApiException;
import io.calbridge.calendly.internal.client.CalendlyClient;
import io.calbridge.calendly.internal.client.NewWebhookSubscription;
import io.calbridge.calendly.internal.client.WebhookSubscription;
import io.calbridge.calendly.internal.cluster.Invalidations;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Failures;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.calendly.internal.crypto.SecretBox;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException;
import io.calbridge.calendly.internal.webhook.CalendlyEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one webhook subscription at Calendly per connected integration, pointing at
 * {@code {publicBaseUrl}{routePrefix}/api/webhooks/calendly/{path token}} and signed with a key of our
 * own, generated per subscription and stored encrypted. The path token is stored only as its hash
 * and sealed ({@code webhook_path_token_enc}, {@link Purpose#WEBHOOK_PATH_TOKEN}); the URL is rebuilt
 * from the sealed one, so a recreated subscription has the same URL. When it cannot be opened (the
 * tenant was forgotten, the row disconnected) the integration has no URL any more.
 *
 * <p>Scope: {@code organization} when the connected user is an admin or owner of the Calendly
 * organization, else {@code user}; {@code calendly_integration.subscription_scope_override} wins.
 * Events: invitee created/canceled, no-show created/deleted, and routing-form submissions with
 * organization scope (Calendly offers those at organization scope only).
 *
 * <p>Signing keys, for the receiving side: {@code signing_key_enc} ({@link Purpose#SIGNING_KEY},
 * row = integration id) always verifies; {@code previous_signing_key_enc}
 * ({@link Purpose#PREVIOUS_SIGNING_KEY}) verifies too while {@code previous_signing_key_until} is in
 * the future. A new key is placed there before Calendly learns it, and the replaced key is kept
 * there for {@link #PREVIOUS_KEY_GRACE} after a replacement.
 *
 * <p>Replacing a subscription: when the URL changes (new {@code publicBaseUrl}) the new one is
 * created before the old one is deleted. With the same URL that order is impossible (Calendly
 * answers 409 for a second subscription with the same URL), so the old one is deleted first and
 * the moment is recorded in {@code subscription_gap_started_at}. The same holds on 409 for a
 * subscription we cannot adopt: Calendly never returns a subscription's signing key, so one we did
 * not create (or whose key we lost) is deleted and recreated.
 *
 * <p>Across nodes, work on one integration's subscription is serialised by a lease on its row
 * (not a row lock, so token refreshes are not blocked during Calendly calls).
 */
public record SubscriptionManager(Db db, IntegrationStore store, SecretBox box, CalendlyClient calendly,
                                  TokenSource tokens, OAuthSettings settings, Consumer<UUID> keysChanged,
                                  Invalidations invalidations, Clock clock) {
    private static final Logger log = LoggerFactory.getLogger(SubscriptionManager.class);

    /** What every subscription asks for, from the one event catalogue. */
    public static final List<String> INVITEE_EVENTS = CalendlyEvent.inviteeEvents();
    /** Asked for by organization-scope subscriptions only. */
    public static final String ROUTING_EVENT = CalendlyEvent.ROUTING_FORM_SUBMITTED.wireName();
    /** How long a replaced signing key keeps verifying (deliveries signed just before a swap). */
    public static final Duration PREVIOUS_KEY_GRACE = Duration.ofHours(1);
    static final Duration LEASE = Duration.ofMinutes(2);
    static final int CHECK_BATCH = 1000;
    static final String PAID_PLAN_NEEDED = "webhooks need a paid Calendly plan (Standard or higher)";

    /**
     * Makes sure the integration has a working subscription: creates one if missing, recreates a
     * disabled or vanished one (recording the gap), replaces one with a stale URL or overridden
     * scope. Failures are recorded in {@code subscription_error} and returned, not thrown; only the
     * token source's exceptions ({@link ReauthorizationRequiredException}, ...) propagate.
     */
    public SubscriptionStatus ensure(UUID integrationId) {
        return ensure(integrationId, calendly);
    }

    /** As {@link #ensure(UUID)}, for a request someone waits on: Calendly's rate limits fail it at once. */
    public SubscriptionStatus ensureNow(UUID integrationId) {
        return ensure(integrationId, calendly.impatient());
    }

    private SubscriptionStatus ensure(UUID integrationId, CalendlyClient client) {
        String owner = UUID.randomUUID().toString();
        Instant now = clock.instant();
        if (!db.tx(dsl -> store.claimSubscriptionLease(dsl, integrationId, owner, now, now.plus(LEASE)))) {
            return status(integrationId, "busy");
        }
        try {
            IntegrationRow row = store.find(db.dsl(), integrationId)
                    .orElseThrow(() -> new NotConnectedException(integrationId, "no such integration"));
            if (row.status() != IntegrationStatus.CONNECTED) {
                return status(row, row.subscriptionState(), row.subscriptionError());
            }
            return reconcile(row, client.api(tokens.credential(integrationId)));
        } finally {
            db.txRun(dsl -> store.releaseSubscriptionLease(dsl, integrationId, owner));
        }
    }

    /**
     * The periodic check: every connected integration not checked within half the check interval
     * is {@link #ensure ensured}, read in batches of {@link #CHECK_BATCH} until none is left (one
     * batch a round would check 10,000 integrations only every tenth round). Safe to run on every
     * node at once. Returns how many were checked.
     */
    public int checkAll() {
        return checkAll(CHECK_BATCH);
    }

    int checkAll(int batch) {
        Instant now = clock.instant();
        Duration interval = settings.subscriptionCheckInterval().isZero()
                ? Duration.ZERO : settings.subscriptionCheckInterval().dividedBy(2);
        int checked = 0;
        // In id order, so one that stays due (no token, another node's lease) is tried once a round.
        UUID after = null;
        while (true) {
            List<UUID> due = store.dueForSubscriptionCheck(db.dsl(), now.minus(interval).plusMillis(1), batch, after);
            if (due.isEmpty()) {
                return checked;
            }
            for (UUID id : due) {
                if (check(id)) {
                    checked++;
                }
            }
            after = due.get(due.size() - 1);
        }
    }

    private boolean check(UUID id) {
        try {
            ensure(id);
            return true;
        } catch (ReauthorizationRequiredException | NotConnectedException e) {
            return false; // nothing to check without a token; the status already says why
        } catch (RuntimeException e) {
            String failure = Failures.describe(e);
            log.warn("Checking the webhook subscription of Calendly integration {} failed: {}", id, failure);
            db.txRun(dsl -> store.recordSubscriptionCheck(dsl, id, null,
                    "checking the subscription failed: " + failure, clock.instant()));
            return false;
        }
    }

    private SubscriptionStatus reconcile(IntegrationRow row, CalendlyApi api) {
        Optional<String> webhookUrl = webhookUrl(row);
        if (webhookUrl.isEmpty()) {
            return recordError(row, "the webhook URL of this connection cannot be read (its stored path token does not"
                    + " open); reconnect");
        }
        String url = webhookUrl.get();
        if (row.calendlyOrganizationUri() == null) {
            return recordError(row, "the Calendly organization of this connection is unknown; reconnect");
        }
        List<WebhookSubscription> ours;
        try {
            ours = ourSubscriptions(api, row, url);
        } catch (CalendlyApiException e) {
            return recordError(row, describe(e));
        }
        WebhookSubscription tracked = row.subscriptionUri() == null ? null
                : ours.stream().filter(s -> row.subscriptionUri().equals(s.uri())).findFirst().orElse(null);
        Instant now = clock.instant();
        if (tracked == null) {
            if (row.subscriptionUri() != null) {
                // It vanished (deleted in Calendly, or disabled and purged): deliveries since the last good check may be lost.
                Instant since = row.subscriptionCheckedAt() != null ? row.subscriptionCheckedAt() : now;
                log.warn("Webhook subscription of Calendly integration {} is gone; recreating it", row.id());
                db.txRun(dsl -> {
                    store.recordGap(dsl, row.id(), since, "deleted");
                    store.forgetSubscription(dsl, row.id());
                });
            } else if (row.subscriptionError() != null && row.connectedAt() != null) {
                // Earlier attempts failed: nothing was delivered since the connection was made.
                db.txRun(dsl -> store.recordGap(dsl, row.id(), row.connectedAt(), "not_created"));
            }
            SubscriptionStatus created = create(row, api, url, desiredScope(row), null, ours);
            if (created.error() == null) {
                deleteStrays(api, ours, created.subscriptionUri());
            }
            return created;
        }
        // Subscriptions for our URL that we do not track deliver with keys we do not know.
        deleteStrays(api, ours, tracked.uri());
        if (!tracked.isActive()) {
            Instant since = tracked.retryStartedAt() != null ? tracked.retryStartedAt()
                    : row.subscriptionCheckedAt() != null ? row.subscriptionCheckedAt() : now;
            log.warn("Calendly disabled the webhook subscription of integration {}; recreating it", row.id());
            db.txRun(dsl -> store.recordGap(dsl, row.id(), since, "disabled"));
            return replace(row, api, url, tracked);
        }
        if (!url.equals(tracked.callbackUrl())) {
            return replace(row, api, url, tracked);
        }
        if (row.subscriptionScopeOverride() != null && !row.subscriptionScopeOverride().equals(tracked.scope())) {
            return replace(row, api, url, tracked);
        }
        db.txRun(dsl -> store.recordSubscriptionCheck(dsl, row.id(), tracked.state(), null, now));
        return new SubscriptionStatus(row.id(), tracked.uri(), tracked.scope(), tracked.state(), url, null);
    }

    private void deleteStrays(CalendlyApi api, List<WebhookSubscription> ours, String keep) {
        for (WebhookSubscription stray : ours) {
            if (!stray.uri().equals(keep)) {
                deleteQuietly(api, stray.uri());
            }
        }
    }

    private SubscriptionStatus replace(IntegrationRow row, CalendlyApi api, String url, WebhookSubscription old) {
        if (!url.equals(old.callbackUrl())) {
            // Different URL: the new one first, so no delivery falls between the two.
            SubscriptionStatus created = create(row, api, url, desiredScope(row), old, List.of());
            if (created.error() == null) {
                deleteQuietly(api, old.uri());
            }
            return created;
        }
        // Same URL: Calendly refuses a second one (409), so delete first and record the moment.
        try {
            api.deleteWebhookSubscription(old.uri());
        } catch (CalendlyApiException e) {
            return recordError(row, "could not delete the old subscription: " + describe(e));
        }
        Instant deletedAt = clock.instant();
        if (old.isActive()) {
            db.txRun(dsl -> store.recordGap(dsl, row.id(), deletedAt, "replaced"));
        }
        return create(row, api, url, desiredScope(row), old, List.of());
    }

    private SubscriptionStatus create(IntegrationRow row, CalendlyApi api, String url, String scope,
                                      WebhookSubscription replacing, List<WebhookSubscription> knownForUrl) {
        Secret key = Randoms.signingKey();
        Instant now = clock.instant();
        boolean previousSlotFree = row.previousSigningKeyEnc() == null || row.previousSigningKeyUntil() == null
                || !row.previousSigningKeyUntil().isAfter(now);
        if (previousSlotFree) {
            // Calendly may deliver before we store the key as current: let it verify already.
            boolean staged = db.tx(dsl -> announced(dsl, row.id(), store.stageSigningKey(dsl, row.id(),
                    box.seal(row.tenantId(), Purpose.PREVIOUS_SIGNING_KEY, row.id(), key), now.plus(PREVIOUS_KEY_GRACE))));
            if (!staged) {
                return status(row, "none", "the integration was disconnected meanwhile");
            }
            keysChanged.accept(row.id());
        }
        List<Attempt> attempts = attempts(row, scope, url, key);
        CalendlyApiException last = null;
        boolean conflictHandled = false;
        for (int i = 0; i < attempts.size(); i++) {
            Attempt attempt = attempts.get(i);
            try {
                WebhookSubscription created = api.createWebhookSubscription(attempt.request());
                return stored(row, api, created, key, replacing != null || row.subscriptionUri() != null);
            } catch (CalendlyApiException e) {
                last = e;
                if (e.status() == 409 && !conflictHandled) {
                    conflictHandled = true;
                    // A subscription for our URL exists that we cannot use (its key is unknown to us): replace it.
                    if (removeConflicting(api, row, url, knownForUrl)) {
                        db.txRun(dsl -> store.recordGap(dsl, row.id(), clock.instant(), "replaced"));
                        i--; // same attempt again
                        continue;
                    }
                    break;
                }
                if (e.isUpgradeRequired()) {
                    return recordError(row, PAID_PLAN_NEEDED + ": Calendly says \"" + e.calendlyMessage() + "\"");
                }
                if (e.status() == 403 && i + 1 < attempts.size()) {
                    log.info("Calendly refused a {} webhook subscription for integration {} ({}); trying {}",
                            attempt.label(), row.id(), e.getMessage(), attempts.get(i + 1).label());
                    continue;
                }
                break;
            }
        }
        return recordError(row, describe(last));
    }

    private record Attempt(String label, NewWebhookSubscription request) {
    }

    /** Organization scope with routing forms, then without them, then user scope (each only after a 403). */
    private List<Attempt> attempts(IntegrationRow row, String scope, String url, Secret key) {
        List<Attempt> list = new ArrayList<>();
        String org = row.calendlyOrganizationUri();
        if ("organization".equals(scope)) {
            list.add(new Attempt("organization-scope",
                    new NewWebhookSubscription(url, CalendlyEvent.subscribed(true), org, "organization", null, key)));
            list.add(new Attempt("organization-scope without routing forms",
                    new NewWebhookSubscription(url, INVITEE_EVENTS, org, "organization", null, key)));
        }
        if (row.calendlyUserUri() != null && (row.subscriptionScopeOverride() == null || "user".equals(scope))) {
            list.add(new Attempt("user-scope",
                    new NewWebhookSubscription(url, INVITEE_EVENTS, org, "user", row.calendlyUserUri(), key)));
        }
        return list;
    }

    private boolean removeConflicting(CalendlyApi api, IntegrationRow row, String url, List<WebhookSubscription> known) {
        List<WebhookSubscription> candidates = new ArrayList<>(known);
        if (candidates.isEmpty()) {
            try {
                candidates.addAll(ourSubscriptions(api, row, url));
            } catch (CalendlyApiException e) {
                return false;
            }
        }
        boolean removed = false;
        for (WebhookSubscription s : candidates) {
            if (url.equals(s.callbackUrl())) {
                log.info("Replacing webhook subscription {} of integration {}: its signing key is unknown to us",
                        s.uri(), row.id());
                removed |= deleteQuietly(api, s.uri());
            }
        }
        return removed;
    }

    private SubscriptionStatus stored(IntegrationRow row, CalendlyApi api, WebhookSubscription created, Secret key,
                                      boolean replaced) {
        Instant now = clock.instant();
        byte[] current = box.seal(row.tenantId(), Purpose.SIGNING_KEY, row.id(), key);
        byte[] previous = null;
        Instant previousUntil = null;
        if (row.signingKeyEnc() != null) {
            Secret old = box.open(row.tenantId(), Purpose.SIGNING_KEY, row.id(), row.signingKeyEnc());
            previous = box.seal(row.tenantId(), Purpose.PREVIOUS_SIGNING_KEY, row.id(), old);
            previousUntil = now.plus(PREVIOUS_KEY_GRACE);
        }
        byte[] prev = previous;
        Instant until = previousUntil;
        boolean kept = db.tx(dsl -> announced(dsl, row.id(), store.storeSubscription(dsl, row.id(), created.uri(),
                created.scope(), created.state() == null ? "active" : created.state(), current, prev, until, replaced, now)));
        if (!kept) {
            // Disconnected (or its tenant forgotten) while we talked to Calendly: leave nothing behind there.
            log.info("Calendly integration {} was disconnected while its subscription was set up; deleting {}",
                    row.id(), created.uri());
            deleteQuietly(api, created.uri());
            return status(row, "none", "the integration was disconnected meanwhile");
        }
        keysChanged.accept(row.id());
        log.info("Webhook subscription {} ({} scope) set up for Calendly integration {}", created.uri(), created.scope(),
                row.id());
        return new SubscriptionStatus(row.id(), created.uri(), created.scope(),
                created.state() == null ? "active" : created.state(), created.callbackUrl(), null);
    }

    /**
     * Other nodes keep an integration's signing keys cached for long (the webhook lookup): a changed
     * key reaches them by NOTIFY when the change commits, or the replaced key would verify past its grace.
     */
    private boolean announced(DSLContext dsl, UUID id, boolean changed) {
        if (changed) {
            invalidations.integrationChanged(dsl, id);
        }
        return changed;
    }

    /**
     * The integration's webhook URL, from its sealed path token; empty when there is none to open (a
     * disconnected row, a forgotten tenant) or it does not open.
     */
    Optional<String> webhookUrl(IntegrationRow row) {
        if (row.webhookPathTokenEnc() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(settings.webhookUrl(
                    box.open(row.tenantId(), Purpose.WEBHOOK_PATH_TOKEN, row.id(), row.webhookPathTokenEnc()).reveal()));
        } catch (SecretUnavailableException e) {
            if (e.reason() != SecretUnavailableException.Reason.TENANT_SHREDDED) {
                log.warn("The webhook path token of Calendly integration {} does not open ({})", row.id(), e.reason());
            }
            return Optional.empty();
        }
    }

    /** Subscriptions at Calendly whose URL is this integration's (any host or prefix we may have used). */
    private List<WebhookSubscription> ourSubscriptions(CalendlyApi api, IntegrationRow row, String url) {
        // The URL's last segment is the path token (URL-safe Base64: no '/').
        String suffix = "/api/webhooks/calendly/" + url.substring(url.lastIndexOf('/') + 1);
        List<WebhookSubscription> found = new ArrayList<>();
        for (String scope : scopesToSearch(row)) {
            try {
                for (WebhookSubscription s : api.webhookSubscriptions(row.calendlyOrganizationUri(), scope,
                        row.calendlyUserUri())) {
                    if (s.callbackUrl() != null && (s.callbackUrl().equals(url) || pathOf(s.callbackUrl()).endsWith(suffix))) {
                        found.add(s);
                    }
                }
            } catch (CalendlyApiException e) {
                if (e.status() == 403 && "organization".equals(scope) && !"organization".equals(row.subscriptionScope())) {
                    continue; // listing organization subscriptions needs admin; ours is not there anyway
                }
                throw e;
            }
        }
        return found;
    }

    private List<String> scopesToSearch(IntegrationRow row) {
        List<String> scopes = new ArrayList<>();
        if (row.subscriptionScope() != null) {
            scopes.add(row.subscriptionScope());
        }
        for (String s : List.of(desiredScope(row), "user")) {
            if (!scopes.contains(s) && (!"user".equals(s) || row.calendlyUserUri() != null)) {
                scopes.add(s);
            }
        }
        return scopes;
    }

    private static String pathOf(String url) {
        try {
            String p = java.net.URI.create(url).getPath();
            return p == null ? "" : p;
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    static String desiredScope(IntegrationRow row) {
        if (row.subscriptionScopeOverride() != null) {
            return row.subscriptionScopeOverride();
        }
        return "admin".equalsIgnoreCase(row.calendlyRole()) || "owner".equalsIgnoreCase(row.calendlyRole())
                ? "organization" : "user";
    }

    /**
     * Disconnect: deletes every subscription at Calendly for the integration's URL, with a credential
     * the caller holds in memory (the row's secrets are already wiped). Returns problems, for people.
     */
    List<String> deleteAll(IntegrationRow snapshot, CalendlyApi api) {
        List<String> problems = new ArrayList<>();
        Optional<String> url = webhookUrl(snapshot);
        List<String> uris = new ArrayList<>();
        if (snapshot.subscriptionUri() != null) {
            uris.add(snapshot.subscriptionUri());
        }
        if (snapshot.calendlyOrganizationUri() != null && url.isPresent()) {
            try {
                for (WebhookSubscription s : ourSubscriptions(api, snapshot, url.get())) {
                    if (!uris.contains(s.uri())) {
                        uris.add(s.uri());
                    }
                }
            } catch (CalendlyApiException e) {
                if (uris.isEmpty()) {
                    problems.add("could not list webhook subscriptions at Calendly: " + describe(e));
                }
            }
        }
        for (String uri : uris) {
            try {
                api.deleteWebhookSubscription(uri);
            } catch (CalendlyApiException e) {
                problems.add("could not delete webhook subscription " + uri + " at Calendly: " + describe(e));
            }
        }
        return problems;
    }

    private boolean deleteQuietly(CalendlyApi api, String uri) {
        try {
            api.deleteWebhookSubscription(uri);
            return true;
        } catch (CalendlyApiException e) {
            log.warn("Could not delete webhook subscription {}: {}", uri, e.getMessage());
            return false;
        }
    }

    private SubscriptionStatus recordError(IntegrationRow row, String error) {
        log.warn("Webhook subscription of Calendly integration {}: {}", row.id(), error);
        db.txRun(dsl -> store.recordSubscriptionCheck(dsl, row.id(), row.subscriptionUri() == null ? null
                : row.subscriptionState(), error, clock.instant()));
        return new SubscriptionStatus(row.id(), row.subscriptionUri(), row.subscriptionScope(),
                row.subscriptionUri() == null ? "none" : row.subscriptionState(), webhookUrl(row).orElse(null), error);
    }

    private SubscriptionStatus status(UUID id, String state) {
        Optional<IntegrationRow> row = store.find(db.dsl(), id);
        return row.map(r -> status(r, state, r.subscriptionError()))
                .orElseGet(() -> new SubscriptionStatus(id, null, null, state, null, "no such integration"));
    }

    private SubscriptionStatus status(IntegrationRow row, String state, String error) {
        return new SubscriptionStatus(row.id(), row.subscriptionUri(), row.subscriptionScope(), state,
                webhookUrl(row).orElse(null), error);
    }

    static String describe(CalendlyApiException e) {
        if (e == null) {
            return "Calendly refused the webhook subscription";
        }
        if (e.isUpgradeRequired()) {
            return PAID_PLAN_NEEDED;
        }
        if (e.status() == 403) {
            return "Calendly refused the webhook subscription (" + e.getMessage()
                    + "); the connection needs the webhooks:write and scheduled_events:read scopes";
        }
        if (e.isTransient()) {
            return e.getMessage() + "; will retry at the next check";
        }
        return e.getMessage();
    }
}
