-- The calendly plugin's own tables. A host that embeds the plugin applies only this set
-- (schema-history table: calendly_schema_history). Every table is prefixed "calendly_" so
-- it can live beside a host's own tables in the same schema.
--
-- tenant_id is the host's tenant identifier, stored as text: the plugin never assumes the
-- host's tenant ids are uuids, numbers or slugs. Secrets are stored only as ciphertext
-- (columns ending in _enc), see io.calbridge.calendly.internal.crypto.TenantKeyring.

-- One data-encryption key (DEK) per tenant, stored wrapped by the master key (KEK).
create table calendly_tenant_key (
    tenant_id       text        primary key,
    wrapped_keyset  bytea,                       -- null once shredded
    kek_id          text        not null,        -- which master key wrapped wrapped_keyset
    dek_generation  integer     not null default 1,
    state           text        not null default 'ACTIVE' check (state in ('ACTIVE', 'SHREDDED')),
    created_at      timestamptz not null default now(),
    rewrapped_at    timestamptz,
    rotated_at      timestamptz,
    shredded_at     timestamptz,
    check ((state = 'SHREDDED') = (wrapped_keyset is null))
);
create index calendly_tenant_key_kek_idx on calendly_tenant_key (kek_id) where state = 'ACTIVE';

-- Progress of a master-key rotation; the rows themselves (kek_id) are the resumable truth.
create table calendly_kek_rotation (
    id            uuid        primary key,
    from_kek_id   text,
    to_kek_id     text        not null,
    state         text        not null check (state in ('RUNNING', 'DONE', 'FAILED')),
    total         integer     not null default 0,
    rewrapped     integer     not null default 0,
    started_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    finished_at   timestamptz,
    last_error    text
);

-- A tenant's connection to one Calendly account.
create table calendly_integration (
    id                          uuid        primary key,
    tenant_id                   text        not null,
    connection_mode             text        not null check (connection_mode in ('TENANT_APP', 'PLATFORM_APP', 'PERSONAL_TOKEN')),
    status                      text        not null check (status in ('PENDING', 'CONNECTED', 'REAUTHORIZATION_REQUIRED', 'DISCONNECTED')),
    -- OAuth client of the tenant's own app (TENANT_APP only)
    client_id                   text,
    client_secret_enc           bytea,
    -- tokens; token_version increases with every stored refresh (compare-and-set across nodes)
    access_token_enc            bytea,
    access_token_expires_at     timestamptz,
    refresh_token_enc           bytea,
    token_version               bigint      not null default 0,
    token_refreshed_at          timestamptz,
    token_failure               text,
    token_failure_at            timestamptz,
    scopes                      text,
    -- the Calendly account
    calendly_user_uri           text,
    calendly_organization_uri   text,
    calendly_user_name          text,
    calendly_user_email         text,
    calendly_user_timezone      text,
    calendly_role               text,
    -- webhooks
    webhook_path_token          text        not null unique,
    subscription_uri            text,
    subscription_scope          text        check (subscription_scope in ('user', 'organization')),
    subscription_scope_override text        check (subscription_scope_override in ('user', 'organization')),
    subscription_state          text,
    subscription_checked_at     timestamptz,
    subscription_error          text,
    subscription_gap_started_at timestamptz,  -- Calendly disabled the subscription: deliveries since may be missing
    subscription_recreated_at   timestamptz,
    signing_key_enc             bytea,
    previous_signing_key_enc    bytea,        -- still verifies until previous_signing_key_until
    previous_signing_key_until  timestamptz,
    -- booking behaviour (see booking.Settings)
    settings                    jsonb       not null default '{}'::jsonb,
    connected_by                text,
    created_at                  timestamptz not null default now(),
    updated_at                  timestamptz not null default now(),
    connected_at                timestamptz,
    disconnected_at             timestamptz,
    last_delivery_at            timestamptz
);
create index calendly_integration_tenant_idx on calendly_integration (tenant_id, created_at);
create index calendly_integration_org_idx on calendly_integration (calendly_organization_uri) where status <> 'DISCONNECTED';
create index calendly_integration_user_idx on calendly_integration (calendly_user_uri) where status <> 'DISCONNECTED';
create index calendly_integration_expiry_idx on calendly_integration (access_token_expires_at) where status = 'CONNECTED';

-- OAuth authorization requests in flight: single use, short-lived, bound to tenant and user.
create table calendly_oauth_state (
    id                  uuid        primary key,
    state_hash          bytea       not null unique,  -- SHA-256 of the state sent to Calendly
    tenant_id           text        not null,
    user_id             text        not null,
    integration_id      uuid        not null references calendly_integration (id) on delete cascade,
    pkce_verifier_enc   bytea       not null,
    created_at          timestamptz not null default now(),
    expires_at          timestamptz not null,
    consumed_at         timestamptz
);
create index calendly_oauth_state_expiry_idx on calendly_oauth_state (expires_at);
create index calendly_oauth_state_integration_idx on calendly_oauth_state (integration_id);

-- Per Calendly event type overrides of the integration's settings.
create table calendly_event_type_mapping (
    id              uuid        primary key,
    tenant_id       text        not null,
    integration_id  uuid        not null references calendly_integration (id) on delete cascade,
    event_type_uri  text        not null,
    event_type_name text,
    mapping         jsonb       not null default '{}'::jsonb,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    unique (integration_id, event_type_uri)
);
create index calendly_event_type_mapping_tenant_idx on calendly_event_type_mapping (tenant_id);

-- Verified webhook deliveries, stored before they are acknowledged.
create table calendly_webhook_inbox (
    id                  bigint      generated always as identity primary key,
    tenant_id           text        not null,
    integration_id      uuid        not null references calendly_integration (id) on delete cascade,
    event               text        not null,
    dedupe_key          text        not null,
    raw_body            bytea       not null,
    payload_created_at  timestamptz,
    signature_timestamp timestamptz,
    received_at         timestamptz not null default now(),
    status              text        not null default 'PENDING'
                                    check (status in ('PENDING', 'PROCESSING', 'DONE', 'IGNORED', 'DEAD')),
    attempts            integer     not null default 0,
    next_attempt_at     timestamptz not null default now(),
    locked_by           text,
    locked_until        timestamptz,
    last_error          text,
    processed_at        timestamptz,
    processing_ms       integer,
    unique (integration_id, dedupe_key)
);
create index calendly_webhook_inbox_claim_idx on calendly_webhook_inbox (next_attempt_at) where status = 'PENDING';
create index calendly_webhook_inbox_lease_idx on calendly_webhook_inbox (locked_until) where status = 'PROCESSING';
create index calendly_webhook_inbox_log_idx on calendly_webhook_inbox (tenant_id, integration_id, id desc);
create index calendly_webhook_inbox_status_idx on calendly_webhook_inbox (integration_id, status);

-- Deliveries refused at the door (bad signature, stale, ...): counted and logged, never the body.
create table calendly_webhook_rejection (
    id              bigint      generated always as identity primary key,
    tenant_id       text,
    integration_id  uuid        references calendly_integration (id) on delete cascade,
    reason          text        not null,
    body_bytes      integer,
    remote_address  text,
    received_at     timestamptz not null default now()
);
create index calendly_webhook_rejection_log_idx on calendly_webhook_rejection (integration_id, id desc);

-- One row per invitee. A reschedule creates a new invitee that joins the same chain:
-- chain_id names the one logical booking whose time moved.
create table calendly_booking (
    id                      uuid        primary key,
    tenant_id               text        not null,
    integration_id          uuid        not null references calendly_integration (id) on delete cascade,
    chain_id                uuid        not null,
    invitee_uri             text        not null,
    scheduled_event_uri     text,
    event_type_uri          text,
    event_name              text,
    email                   text,
    name                    text,
    status                  text        not null check (status in ('ACTIVE', 'CANCELED', 'RESCHEDULED')),
    start_time              timestamptz,
    end_time                timestamptz,
    invitee_timezone        text,
    host_user_uri           text,
    old_invitee_uri         text,
    new_invitee_uri         text,
    no_show                 boolean     not null default false,
    no_show_uri             text,
    cancel_reason           text,
    canceled_by             text,
    canceler_type           text,
    canceled_at             timestamptz,
    contact_ref             text,
    task_ref                text,
    invitee_payload         jsonb,
    last_event_at           timestamptz,
    created_at              timestamptz not null default now(),
    updated_at              timestamptz not null default now(),
    unique (integration_id, invitee_uri)
);
create index calendly_booking_tenant_idx on calendly_booking (tenant_id, created_at desc);
create index calendly_booking_chain_idx on calendly_booking (chain_id);
create index calendly_booking_old_idx on calendly_booking (integration_id, old_invitee_uri) where old_invitee_uri is not null;
create index calendly_booking_new_idx on calendly_booking (integration_id, new_invitee_uri) where new_invitee_uri is not null;

-- Effects already applied to the host (contact, list, tag, task...), keyed per booking and effect.
create table calendly_effect_ledger (
    tenant_id   text        not null,
    effect_key  text        not null,
    chain_id    uuid,
    result      text,
    applied_at  timestamptz not null default now(),
    primary key (tenant_id, effect_key)
);
create index calendly_effect_ledger_chain_idx on calendly_effect_ledger (chain_id);
