package io.calbridge.calendly.internal.oauth;

import io.calbridge.calendly.internal.client.CalendlyApi;
import io.calbridge.calendly.internal.client.CalendlyApiException;
import io.calbridge.calendly.internal.client.CalendlyClient;
import io.calbridge.calendly.internal.client.CalendlyUser;
import io.calbridge.calendly.internal.client.ClientCredentials;
import io.calbridge.calendly.internal.client.Credential;
import io.calbridge.calendly.internal.client.OrganizationMembership;
import io.calbridge.calendly.internal.client.TokenResponse;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.calendly.internal.crypto.SecretBox;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import io.calbridge.calendly.internal.cluster.Invalidations;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connecting and disconnecting a tenant's Calendly account. The caller (an HTTP handler behind the
 * host's authentication) passes the authenticated tenant and user; nothing here trusts request
 * data for who is asking.
 *
 * <p>Failures are thrown as {@link ApiException} with a stable {@code code} (the {@code reason}
 * shown to the user) and a message that says what happened and what to do; none leaves a
 * half-connected integration behind.
 */
public record ConnectionService(Db db, IntegrationStore store, StateStore states, SecretBox box,
                                CalendlyClient calendly, TokenRefresher tokens, SubscriptionManager subscriptions,
                                OAuthSettings settings, Consumer<UUID> integrationChanged,
                                Invalidations invalidations, Clock clock) {
    private static final Logger log = LoggerFactory.getLogger(ConnectionService.class);

    /** Warning code: another tenant is connected to the same Calendly organization or user. */
    public static final String WARNING_SHARED_ACCOUNT = "shared_calendly_account";
    /**
     * Warning code: another connection of the same tenant already sees this Calendly organization
     * (an organization-wide connection and a user's personal token, say). Not a problem: each
     * invitee is still one booking (the connection that sees it first applies its settings).
     */
    public static final String WARNING_OVERLAPPING_CONNECTION = "overlapping_connection";

    /**
     * What the tenant asked for. TENANT_APP needs {@code clientId} and {@code clientSecret}, and may
     * give {@code webhookSigningKey} (the app's own webhook signing key, with which Calendly may sign
     * the app's deliveries); PERSONAL_TOKEN needs {@code personalToken}; PLATFORM_APP needs nothing.
     */
    public record ConnectRequest(ConnectionMode mode, String clientId, Secret clientSecret, Secret personalToken,
                                 Secret webhookSigningKey) {
        public ConnectRequest(ConnectionMode mode, String clientId, Secret clientSecret, Secret personalToken) {
            this(mode, clientId, clientSecret, personalToken, null);
        }
    }

    /** Longest accepted app signing key; Calendly's are a few dozen characters. */
    static final int MAX_SIGNING_KEY_LENGTH = 512;

    /** The outcome of {@link #connect}: a browser redirect to Calendly, or (personal token) a finished connection. */
    public sealed interface ConnectStart permits AuthorizationRedirect, Connected {
    }

    /** Send the browser to {@code authorizeUrl}; it comes back to the callback before {@code expiresAt}. */
    public record AuthorizationRedirect(UUID integrationId, URI authorizeUrl, Instant expiresAt) implements ConnectStart {
    }

    public record Connected(ConnectResult result) implements ConnectStart {
    }

    /**
     * A finished connection.
     *
     * @param reconnected the tenant already had an integration for this Calendly user; it was updated
     *                    in place (same id, same webhook URL, same booking history)
     * @param warnings    codes such as {@link #WARNING_SHARED_ACCOUNT}, with {@code warningMessages} for people
     */
    public record ConnectResult(
            UUID integrationId,
            ConnectionMode mode,
            IntegrationStatus status,
            String calendlyUserUri,
            String calendlyOrganizationUri,
            String calendlyUserName,
            String calendlyUserEmail,
            String calendlyRole,
            boolean reconnected,
            List<String> warnings,
            List<String> warningMessages,
            SubscriptionStatus subscription) {
    }

    /** What Calendly sent to the callback (query parameters). */
    public record CallbackRequest(String state, String code, String error, String errorDescription) {
    }

    /**
     * @param problems what could not be cleaned up at Calendly (the local secrets are wiped regardless)
     * @param notes    things the tenant may want to do by hand
     */
    public record DisconnectResult(UUID integrationId, IntegrationStatus status, boolean subscriptionsDeleted,
                                   boolean tokensRevoked, List<String> problems, List<String> notes) {
    }

    private record Account(String userUri, String organizationUri, String name, String email, String timezone,
                           String role) {
    }

    /** The ids of the tenant's integrations (not the ones still being authorized), oldest first. */
    public List<UUID> integrations(String tenantId) {
        return store.listForTenant(db.dsl(), tenantId).stream().map(IntegrationRow::id).toList();
    }

    /** The redirect URI to register in the Calendly OAuth app. */
    public URI redirectUri() {
        return settings.redirectUri();
    }

    /**
     * Starts a connection. OAuth modes store a pending integration and a single-use {@code state}
     * (hashed, bound to tenant and user, valid {@link OAuthSettings#STATE_TTL}) with an encrypted
     * PKCE verifier, and return Calendly's authorize URL. A personal token is checked against
     * {@code /users/me} and connected at once.
     */
    public ConnectStart connect(String tenantId, String userId, ConnectRequest request) {
        requireCaller(tenantId, userId);
        ConnectionMode mode = request == null ? null : request.mode();
        if (mode == null) {
            throw ApiException.badRequest("invalid_mode",
                    "mode must be one of tenant_app, platform_app, personal_token", "mode");
        }
        if (mode != ConnectionMode.TENANT_APP && given(request.webhookSigningKey())) {
            throw ApiException.badRequest("webhook_signing_key_not_applicable", "webhook_signing_key belongs to a "
                    + "tenant_app connection (your own Calendly OAuth app); leave it out for " + mode.name().toLowerCase()
                    + (mode == ConnectionMode.PLATFORM_APP ? " (the operator configures the platform app's key)" : ""),
                    "webhook_signing_key");
        }
        try {
            return switch (mode) {
                case PERSONAL_TOKEN -> new Connected(connectPersonalToken(tenantId, userId, request.personalToken()));
                case TENANT_APP, PLATFORM_APP -> startAuthorization(tenantId, userId, request);
            };
        } catch (SecretUnavailableException e) {
            throw forgotten(e);
        }
    }

    /** A forgotten tenant can never store a secret again, so it can never connect again. */
    private static RuntimeException forgotten(SecretUnavailableException e) {
        if (e.reason() != SecretUnavailableException.Reason.TENANT_SHREDDED) {
            return e;
        }
        return new ApiException(409, "tenant_forgotten", "This workspace's Calendly data was erased (offboarding), "
                + "so Calendly cannot be connected to it again.");
    }

    private AuthorizationRedirect startAuthorization(String tenantId, String userId, ConnectRequest request) {
        String clientId;
        Secret clientSecret = null;
        Secret appSigningKey = null;
        if (request.mode() == ConnectionMode.TENANT_APP) {
            clientId = request.clientId() == null ? "" : request.clientId().strip();
            if (clientId.isEmpty()) {
                throw ApiException.badRequest("client_id_missing",
                        "client_id is required: the Client ID of your Calendly OAuth app", "client_id");
            }
            if (clientId.length() > 255 || clientId.chars().anyMatch(Character::isWhitespace)) {
                throw ApiException.badRequest("client_id_invalid",
                        "client_id does not look like a Calendly Client ID (no spaces, at most 255 characters)", "client_id");
            }
            if (request.clientSecret() == null || request.clientSecret().reveal().isBlank()) {
                throw ApiException.badRequest("client_secret_missing",
                        "client_secret is required: the Client Secret of your Calendly OAuth app", "client_secret");
            }
            clientSecret = Secret.of(request.clientSecret().reveal().strip());
            appSigningKey = appSigningKey(request.webhookSigningKey());
        } else {
            clientId = settings.platform().map(ClientCredentials::clientId).orElseThrow(() -> ApiException.badRequest(
                    "platform_app_not_configured",
                    "This installation has no platform Calendly app; connect with your own OAuth app or a personal access token",
                    "mode"));
        }
        Instant now = clock.instant();
        UUID integrationId = UUID.randomUUID();
        UUID stateId = UUID.randomUUID();
        String state = Randoms.state();
        Secret verifier = Randoms.pkceVerifier();
        Instant expiresAt = now.plus(OAuthSettings.STATE_TTL);
        byte[] secretEnc = clientSecret == null ? null
                : box.seal(tenantId, Purpose.CLIENT_SECRET, integrationId, clientSecret);
        byte[] appKeyEnc = appSigningKey == null ? null
                : box.seal(tenantId, Purpose.APP_SIGNING_KEY, integrationId, appSigningKey);
        byte[] verifierEnc = box.seal(tenantId, Purpose.PKCE_VERIFIER, stateId, verifier);
        String storedClientId = request.mode() == ConnectionMode.TENANT_APP ? clientId : null;
        String pathToken = Randoms.webhookPathToken();
        byte[] pathTokenEnc = sealPathToken(tenantId, integrationId, pathToken);
        db.txRun(dsl -> {
            store.insertPending(dsl, integrationId, tenantId, request.mode(), storedClientId, secretEnc, appKeyEnc,
                    pathToken, pathTokenEnc, userId, now);
            states.insert(dsl, stateId, Randoms.stateHash(state), tenantId, userId, integrationId, verifierEnc, now,
                    expiresAt);
        });
        URI authorize = calendly.oauth().authorizeUrl(clientId, settings.redirectUri(), settings.scopes(), state,
                Randoms.pkceChallenge(verifier));
        return new AuthorizationRedirect(integrationId, authorize, expiresAt);
    }

    /**
     * Completes an OAuth connection: checks the state (unknown, reused, expired, or another
     * tenant's or user's: rejected, nothing stored), exchanges the code with PKCE, reads the
     * account, stores the tokens encrypted and sets up the webhook subscription.
     */
    public ConnectResult callback(String tenantId, String userId, CallbackRequest request) {
        requireCaller(tenantId, userId);
        try {
            return completeAuthorization(tenantId, userId, request);
        } catch (SecretUnavailableException e) {
            throw forgotten(e);
        }
    }

    private ConnectResult completeAuthorization(String tenantId, String userId, CallbackRequest request) {
        String state = request.state() == null ? "" : request.state().strip();
        if (state.isEmpty()) {
            throw new ApiException(400, "state_missing",
                    "The answer from Calendly carries no state. Start connecting again from the settings page.");
        }
        StateRow st = states.findByHash(db.dsl(), Randoms.stateHash(state)).orElseThrow(() -> new ApiException(400,
                "state_invalid", "This Calendly authorization is not one we started (or it was cleaned up). "
                + "Start connecting again from the settings page."));
        if (!st.tenantId().equals(tenantId) || !st.userId().equals(userId)) {
            log.warn("OAuth callback with a state of tenant {} presented by tenant {}", st.tenantId(), tenantId);
            throw new ApiException(403, "state_wrong_tenant",
                    "This Calendly authorization was started by another user or workspace; nothing was changed. "
                            + "Start connecting again while signed in as yourself.");
        }
        if (st.consumedAt() != null) {
            throw new ApiException(400, "state_reused",
                    "This Calendly authorization was already used. Start connecting again from the settings page.");
        }
        Instant now = clock.instant();
        if (!now.isBefore(st.expiresAt())) {
            abandon(st);
            throw new ApiException(400, "state_expired", "The Calendly authorization took longer than "
                    + OAuthSettings.STATE_TTL.toMinutes() + " minutes and expired. Start connecting again.");
        }
        if (!db.tx(dsl -> states.consume(dsl, st.id(), now))) {
            throw new ApiException(400, "state_reused",
                    "This Calendly authorization was already used. Start connecting again from the settings page.");
        }
        IntegrationRow pending = store.find(db.dsl(), st.integrationId())
                .filter(r -> r.status() == IntegrationStatus.PENDING)
                .orElseThrow(() -> new ApiException(400, "state_invalid",
                        "This Calendly authorization is no longer pending. Start connecting again."));
        if (request.error() != null && !request.error().isBlank()) {
            abandon(st);
            if ("access_denied".equals(request.error())) {
                throw new ApiException(400, "access_denied",
                        "Access was declined in Calendly, so nothing was connected.");
            }
            throw new ApiException(400, "calendly_error", "Calendly did not authorize the connection ("
                    + request.error() + (request.errorDescription() == null ? "" : ": " + request.errorDescription())
                    + "). Nothing was connected.");
        }
        if (request.code() == null || request.code().isBlank()) {
            abandon(st);
            throw new ApiException(400, "code_missing", "Calendly's answer carries no authorization code. Start again.");
        }
        ClientCredentials client;
        try {
            client = tokens.clientOf(pending);
        } catch (IllegalStateException e) {
            abandon(st);
            throw new ApiException(400, "platform_app_not_configured", e.getMessage());
        }
        Secret verifier = box.open(tenantId, Purpose.PKCE_VERIFIER, st.id(), st.pkceVerifierEnc());
        TokenResponse granted;
        try {
            granted = calendly.impatient().oauth().exchangeCode(client, request.code().strip(), settings.redirectUri(), verifier);
        } catch (CalendlyApiException e) {
            abandon(st);
            if (e.isInvalidGrant()) {
                throw new ApiException(400, "code_rejected", "Calendly refused the authorization code: it expired "
                        + "(codes last 10 minutes) or was already used. Start connecting again.");
            }
            if (e.isInvalidClient()) {
                throw new ApiException(400, "client_rejected", "Calendly refused the OAuth app's Client ID or Client "
                        + "Secret. Check them in Calendly and connect again.");
            }
            throw calendlyFailure("exchanging the authorization code", e);
        }
        Account account;
        try {
            account = readAccount(calendly.impatient().api(Credential.fixed(granted.accessToken())), granted.owner(),
                    granted.organization());
        } catch (CalendlyApiException e) {
            revokeQuietly(client, granted.refreshToken());
            revokeQuietly(client, granted.accessToken());
            abandon(st);
            throw calendlyFailure("reading the connected Calendly account", e);
        }
        IntegrationStore.Connection connection = new IntegrationStore.Connection(pending.mode(), pending.clientId(),
                null, null, null, granted.expiresAt(), null, granted.scope(), account.userUri(), account.organizationUri(),
                account.name(), account.email(), account.timezone(), account.role(), userId, true);
        Secret clientSecret = pending.mode() == ConnectionMode.TENANT_APP ? client.clientSecret() : null;
        Secret appSigningKey = pending.appSigningKeyEnc() == null ? null
                : box.open(tenantId, Purpose.APP_SIGNING_KEY, pending.id(), pending.appSigningKeyEnc());
        return finish(tenantId, pending.id(), connection, clientSecret, appSigningKey, granted.accessToken(),
                granted.refreshToken());
    }

    private ConnectResult connectPersonalToken(String tenantId, String userId, Secret token) {
        if (token == null || token.reveal().isBlank()) {
            throw ApiException.badRequest("personal_token_missing",
                    "personal_token is required: a personal access token from Calendly (Integrations, API & Webhooks)",
                    "personal_token");
        }
        Secret pat = Secret.of(token.reveal().strip());
        if (pat.reveal().length() > 8192 || pat.reveal().chars().anyMatch(Character::isWhitespace)) {
            throw ApiException.badRequest("personal_token_invalid", "personal_token does not look like a Calendly token",
                    "personal_token");
        }
        Account account;
        try {
            account = readAccount(calendly.impatient().api(Credential.fixed(pat)), null, null);
        } catch (CalendlyApiException e) {
            if (e.status() == 401) {
                throw ApiException.badRequest("token_invalid",
                        "Calendly rejected this personal access token (revoked, expired or mistyped)", "personal_token");
            }
            if (e.status() == 403) {
                throw ApiException.badRequest("token_scope", "Calendly refused to show the token's user: the token "
                        + "needs at least the users:read scope (" + e.getMessage() + ")", "personal_token");
            }
            throw calendlyFailure("checking the personal access token", e);
        }
        UUID newId = UUID.randomUUID();
        IntegrationStore.Connection connection = new IntegrationStore.Connection(ConnectionMode.PERSONAL_TOKEN, null,
                null, null, null, null, null, null, account.userUri(), account.organizationUri(), account.name(),
                account.email(), account.timezone(), account.role(), userId, false);
        String pathToken = Randoms.webhookPathToken();
        byte[] pathTokenEnc = sealPathToken(tenantId, newId, pathToken);
        db.txRun(dsl -> store.insertPending(dsl, newId, tenantId, ConnectionMode.PERSONAL_TOKEN, null, null, null,
                pathToken, pathTokenEnc, userId, clock.instant()));
        return finish(tenantId, newId, connection, null, null, pat, null);
    }

    /**
     * Stores a finished connection on the pending row, or on the tenant's existing integration for
     * the same Calendly user (a reconnect keeps the id, the webhook URL and the history), then sets
     * up webhooks. Secrets are sealed for the row they end up in. A reconnect through the same OAuth
     * app without a new {@code appSigningKey} keeps the one stored; another app's key is dropped.
     */
    private ConnectResult finish(String tenantId, UUID pendingId, IntegrationStore.Connection c, Secret clientSecret,
                                 Secret appSigningKey, Secret accessToken, Secret refreshToken) {
        Instant now = clock.instant();
        record Stored(UUID id, boolean reconnected, List<IntegrationStore.SharedAccount> shared, int overlapping) {
        }
        Stored stored = db.tx(dsl -> {
            Optional<IntegrationRow> existing = store.lockSameUser(dsl, tenantId, c.userUri(), pendingId);
            UUID target = existing.map(IntegrationRow::id).orElse(pendingId);
            Purpose accessPurpose = c.mode() == ConnectionMode.PERSONAL_TOKEN
                    ? Purpose.PERSONAL_ACCESS_TOKEN : Purpose.ACCESS_TOKEN;
            byte[] appKeyEnc = appSigningKey != null ? box.seal(tenantId, Purpose.APP_SIGNING_KEY, target, appSigningKey)
                    : existing.filter(e -> e.mode() == c.mode() && java.util.Objects.equals(e.clientId(), c.clientId()))
                            .map(IntegrationRow::appSigningKeyEnc).orElse(null);
            IntegrationStore.Connection sealed = new IntegrationStore.Connection(c.mode(), c.clientId(),
                    clientSecret == null ? null : box.seal(tenantId, Purpose.CLIENT_SECRET, target, clientSecret),
                    appKeyEnc,
                    box.seal(tenantId, accessPurpose, target, accessToken), c.accessTokenExpiresAt(),
                    refreshToken == null ? null : box.seal(tenantId, Purpose.REFRESH_TOKEN, target, refreshToken),
                    c.scopes(), c.userUri(), c.organizationUri(), c.userName(), c.userEmail(), c.userTimezone(),
                    c.role(), c.connectedBy(), c.tokenRequested());
            store.storeConnection(dsl, target, sealed, now);
            // A reconnect replaces tokens and keys other nodes may have cached: they drop them on commit.
            invalidations.integrationChanged(dsl, target);
            if (existing.isPresent()) {
                // Keep the consumed state (now pointing at the target) so a replay is still named a replay.
                states.moveToIntegration(dsl, pendingId, target);
                store.deletePending(dsl, pendingId);
            }
            return new Stored(target, existing.isPresent(),
                    store.otherTenantsOnAccount(dsl, tenantId, c.organizationUri(), c.userUri()),
                    store.overlappingInTenant(dsl, tenantId, target, c.organizationUri()));
        });
        tokens.invalidate(stored.id());
        integrationChanged.accept(stored.id());
        List<String> warnings = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        if (!stored.shared().isEmpty()) {
            boolean sameUser = stored.shared().stream().anyMatch(IntegrationStore.SharedAccount::sameUser);
            log.warn("Tenant {} connected Calendly {} {}, which {} other tenant(s) are also connected to: {}",
                    tenantId, sameUser ? "user" : "organization", sameUser ? c.userUri() : c.organizationUri(),
                    stored.shared().size(), stored.shared().stream().map(IntegrationStore.SharedAccount::tenantId).distinct().toList());
            warnings.add(WARNING_SHARED_ACCOUNT);
            messages.add("This Calendly " + (sameUser ? "account" : "organization") + " is also connected to another "
                    + "workspace. Each workspace receives the bookings of its own connection only; if you did not "
                    + "expect this, ask your Calendly admin who else has connected.");
        }
        if (stored.overlapping() > 0) {
            warnings.add(WARNING_OVERLAPPING_CONNECTION);
            messages.add("Another connection of this workspace already receives bookings of this Calendly organization. "
                    + "Each booking is still recorded once, with the settings of the connection that received it first.");
        }
        SubscriptionStatus subscription;
        try {
            subscription = subscriptions.ensureNow(stored.id());
        } catch (RuntimeException e) {
            log.warn("Setting up webhooks for Calendly integration {} failed: {}", stored.id(), e.getMessage());
            subscription = new SubscriptionStatus(stored.id(), null, null, "none",
                    store.find(db.dsl(), stored.id()).flatMap(subscriptions::webhookUrl).orElse(null),
                    "setting up webhooks failed: " + e.getMessage() + "; will retry at the next check");
        }
        log.info("Tenant {} connected Calendly user {} ({}) as integration {}{}", tenantId, c.userUri(), c.mode(),
                stored.id(), stored.reconnected() ? " (reconnect)" : "");
        return new ConnectResult(stored.id(), c.mode(), IntegrationStatus.CONNECTED, c.userUri(), c.organizationUri(),
                c.userName(), c.userEmail(), c.role(), stored.reconnected(), warnings, messages, subscription);
    }

    /**
     * A new integration's webhook path token, sealed for its row: only this and the token's hash are
     * stored ({@link io.calbridge.calendly.internal.webhook.WebhookPathTokens#columns}).
     */
    private byte[] sealPathToken(String tenantId, UUID integrationId, String pathToken) {
        return box.seal(tenantId, Purpose.WEBHOOK_PATH_TOKEN, integrationId, Secret.of(pathToken));
    }

    private Account readAccount(CalendlyApi api, String owner, String organization) {
        CalendlyUser me = api.me();
        String userUri = me.uri() != null ? me.uri() : owner;
        String orgUri = organization != null ? organization : me.currentOrganization();
        if (userUri == null) {
            throw new IllegalStateException("Calendly did not name the connected user");
        }
        String role = null;
        if (orgUri != null) {
            try {
                role = api.organizationMemberships(orgUri, userUri).stream()
                        .filter(m -> m.user() == null || m.user().uri() == null || userUri.equals(m.user().uri()))
                        .map(OrganizationMembership::role)
                        .filter(Objects::nonNull)
                        .findFirst().orElse(null);
            } catch (CalendlyApiException e) {
                if (e.isTransient()) {
                    throw e;
                }
                // Without organizations:read the role stays unknown: user-scope webhooks then.
                log.info("Could not read the Calendly organization role of {}: {}", userUri, e.getMessage());
            }
        }
        return new Account(userUri, orgUri, me.name(), me.email(), me.timezone(), role);
    }

    /**
     * Disconnects: the secrets are wiped and the status set to DISCONNECTED first, in one
     * transaction (so no node refreshes any more, and every node drops its cached copies when it
     * commits); then, with in-memory copies, the webhook subscription is deleted at Calendly and the
     * tokens revoked. Calendly failures are reported in the result, never thrown; a rate limit is not
     * waited for (someone is waiting for the answer). Bookings, settings and mappings stay.
     *
     * @throws ApiException 404 when the integration is not the tenant's
     */
    public DisconnectResult disconnect(String tenantId, UUID integrationId) {
        requireCaller(tenantId, "-");
        return disconnect(tenantId, integrationId, calendly.impatient());
    }

    /** The outcome of {@link #forgetTenant}: what was disconnected and what Calendly did not let us clean up. */
    public record TenantCleanup(int integrationsDisconnected, int subscriptionsDeleted, List<String> problems) {
    }

    /**
     * Offboarding, before the tenant's data key is destroyed: every live integration of the tenant is
     * disconnected as by {@link #disconnect} (its webhook subscriptions deleted at Calendly and its
     * tokens revoked, best effort, waiting for Calendly's rate limits if need be: nobody waits on
     * this), then {@code shred} destroys the key. {@code shred} is handed the work that must commit
     * with it: every integration of the tenant DISCONNECTED (pending ones deleted) and the
     * notification that makes every node drop its copies. A second call finds nothing live and only
     * shreds again (idempotent).
     *
     * @param shred destroys the tenant's data key, running the given work in the same transaction
     */
    public TenantCleanup forgetTenant(String tenantId, BiConsumer<String, Consumer<DSLContext>> shred) {
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("tenantId is required");
        }
        List<String> problems = new ArrayList<>();
        int disconnected = 0;
        int subscriptionsDeleted = 0;
        for (IntegrationRow row : store.listForTenant(db.dsl(), tenantId)) {
            if (row.status() == IntegrationStatus.DISCONNECTED) {
                continue;
            }
            DisconnectResult r;
            try {
                r = disconnect(tenantId, row.id(), calendly);
            } catch (ApiException gone) {
                continue; // disconnected or deleted meanwhile
            }
            disconnected++;
            if (r.subscriptionsDeleted()) {
                subscriptionsDeleted++;
            }
            for (String problem : r.problems()) {
                problems.add("integration " + row.id() + ": " + problem);
            }
        }
        Instant now = clock.instant();
        shred.accept(tenantId, dsl -> {
            store.disconnectAllOfTenant(dsl, tenantId, now);
            invalidations.tenantChanged(dsl, tenantId);
        });
        return new TenantCleanup(disconnected, subscriptionsDeleted, List.copyOf(problems));
    }

    private DisconnectResult disconnect(String tenantId, UUID integrationId, CalendlyClient client) {
        Instant now = clock.instant();
        IntegrationRow snapshot = db.tx(dsl -> {
            IntegrationRow row = store.lock(dsl, integrationId)
                    .filter(r -> r.tenantId().equals(tenantId) && r.status() != IntegrationStatus.PENDING)
                    .orElseThrow(() -> ApiException.notFound("Calendly integration"));
            if (row.status() != IntegrationStatus.DISCONNECTED) {
                store.wipeAndDisconnect(dsl, integrationId, now);
                states.deleteForIntegration(dsl, integrationId);
                invalidations.integrationChanged(dsl, integrationId);
            }
            return row;
        });
        tokens.invalidate(integrationId);
        integrationChanged.accept(integrationId);
        if (snapshot.status() == IntegrationStatus.DISCONNECTED) {
            return new DisconnectResult(integrationId, IntegrationStatus.DISCONNECTED, true, true, List.of(),
                    List.of("already disconnected"));
        }
        log.info("Tenant {} disconnected Calendly integration {}", tenantId, integrationId);
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Secret access = null;
        Secret refresh = null;
        ClientCredentials app = null;
        try {
            if (snapshot.mode() == ConnectionMode.PERSONAL_TOKEN) {
                access = snapshot.accessTokenEnc() == null ? null
                        : box.open(tenantId, Purpose.PERSONAL_ACCESS_TOKEN, integrationId, snapshot.accessTokenEnc());
            } else {
                app = tokens.clientOf(snapshot);
                boolean accessValid = snapshot.accessTokenEnc() != null && snapshot.accessTokenExpiresAt() != null
                        && now.isBefore(snapshot.accessTokenExpiresAt().minusSeconds(60));
                access = accessValid ? box.open(tenantId, Purpose.ACCESS_TOKEN, integrationId, snapshot.accessTokenEnc()) : null;
                refresh = snapshot.refreshTokenEnc() == null ? null
                        : box.open(tenantId, Purpose.REFRESH_TOKEN, integrationId, snapshot.refreshTokenEnc());
                if (access == null && refresh != null) {
                    // The row is DISCONNECTED now, so no other node will use this refresh token.
                    TokenResponse fresh = client.oauth().refresh(app, refresh);
                    access = fresh.accessToken();
                    refresh = fresh.refreshToken() != null ? fresh.refreshToken() : refresh;
                }
            }
        } catch (CalendlyApiException | IllegalStateException | SecretUnavailableException e) {
            problems.add("could not obtain a token to clean up at Calendly: " + e.getMessage());
        }
        boolean subscriptionsDeleted = false;
        if (access != null) {
            List<String> subscriptionProblems = subscriptions.deleteAll(snapshot, client.api(Credential.fixed(access)));
            subscriptionsDeleted = subscriptionProblems.isEmpty();
            problems.addAll(subscriptionProblems);
        } else if (snapshot.subscriptionUri() != null) {
            problems.add("the webhook subscription " + snapshot.subscriptionUri() + " could not be deleted at Calendly "
                    + "without a valid token; Calendly disables it after a day of refused deliveries, or delete it in Calendly");
        } else {
            subscriptionsDeleted = true;
        }
        boolean revoked = false;
        if (snapshot.mode() == ConnectionMode.PERSONAL_TOKEN) {
            notes.add("Calendly offers no API to revoke a personal access token: delete it in Calendly "
                    + "(Integrations, API & Webhooks) if it is no longer needed");
        } else if (app != null) {
            revoked = true;
            for (Secret t : new Secret[] {refresh, access}) {
                if (t != null) {
                    String problem = revoke(client, app, t);
                    if (problem != null) {
                        revoked = false;
                        problems.add(problem);
                    }
                }
            }
        }
        return new DisconnectResult(integrationId, IntegrationStatus.DISCONNECTED, subscriptionsDeleted, revoked,
                problems, notes);
    }

    /** Null when revoked (or already invalid: Calendly answers 400/403 for tokens it no longer knows). */
    private String revoke(CalendlyClient calendly, ClientCredentials client, Secret token) {
        try {
            calendly.oauth().revoke(client, token);
            return null;
        } catch (CalendlyApiException e) {
            if (e.status() == 400 || e.status() == 403) {
                return null;
            }
            return "could not revoke a token at Calendly: " + e.getMessage();
        }
    }

    private void revokeQuietly(ClientCredentials client, Secret token) {
        if (token != null && revoke(calendly.impatient(), client, token) != null) {
            log.warn("Could not revoke a token of an abandoned Calendly connection");
        }
    }

    /** Removes a failed or abandoned authorization: its pending integration and its state. */
    private void abandon(StateRow st) {
        db.txRun(dsl -> {
            states.delete(dsl, st.id());
            store.deletePending(dsl, st.integrationId());
        });
    }

    /** Housekeeping: authorizations abandoned in the browser, and states long expired. */
    public int purgeAbandoned() {
        Instant cutoff = clock.instant().minus(OAuthSettings.STATE_TTL.multipliedBy(6));
        return db.tx(dsl -> states.purgeExpired(dsl, cutoff) + store.purgeStalePending(dsl, cutoff));
    }

    private static ApiException calendlyFailure(String doing, CalendlyApiException e) {
        if (e.status() == 429) {
            Duration wait = e.retryAfter() == null ? Duration.ofMinutes(1) : e.retryAfter();
            return ApiException.unavailable("calendly_rate_limited", "Calendly is rate-limiting this account while "
                    + doing + ". Nothing was connected; try again in " + Math.max(1, wait.toSeconds()) + " seconds.", wait);
        }
        String what = e.status() == 0 ? "Calendly could not be reached while " + doing
                : "Calendly failed while " + doing;
        return new ApiException(502, e.status() == 0 ? "calendly_unreachable" : "calendly_error",
                what + " (" + e.getMessage() + "). Nothing was connected; try again in a moment.");
    }

    private static boolean given(Secret s) {
        return s != null && !s.reveal().isBlank();
    }

    /** The tenant app's webhook signing key as given, checked; null when none was given. */
    private static Secret appSigningKey(Secret given) {
        if (!given(given)) {
            return null;
        }
        String key = given.reveal().strip();
        if (key.length() > MAX_SIGNING_KEY_LENGTH || key.chars().anyMatch(Character::isWhitespace)) {
            throw ApiException.badRequest("webhook_signing_key_invalid", "webhook_signing_key does not look like a "
                    + "Calendly webhook signing key (no spaces, at most " + MAX_SIGNING_KEY_LENGTH + " characters)",
                    "webhook_signing_key");
        }
        return Secret.of(key);
    }

    private static void requireCaller(String tenantId, String userId) {
        if (tenantId == null || tenantId.isBlank() || userId == null || userId.isBlank()) {
            throw new ApiException(401, "unauthenticated", "Sign in to manage the Calendly connection.");
        }
    }
}
