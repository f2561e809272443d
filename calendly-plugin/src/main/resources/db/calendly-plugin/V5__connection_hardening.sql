-- Connections: the tenant app's own webhook signing key, and Calendly's rate-limit reset for token requests.

-- A tenant's Calendly OAuth app has a webhook signing key of its own, with which Calendly may sign
-- deliveries to the app's subscriptions instead of the key given at subscription time. The tenant may
-- give it when connecting (TENANT_APP only); sealed like every other secret (purpose APP_SIGNING_KEY).
alter table calendly_integration
    add column app_signing_key_enc bytea;

-- No token request for this integration before this instant: after a failed request a short backoff,
-- after a 429 the reset Calendly asked for. Set and read under the row lock, so every node obeys it.
alter table calendly_integration
    add column token_retry_at timestamptz;
