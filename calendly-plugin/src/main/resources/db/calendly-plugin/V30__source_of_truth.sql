-- Calendly's API as the source of truth: import on connect, gap backfill, reconciliation sweep,
-- and one booking per invitee per tenant (internal/sync, docs/booking.md "Import, backfill and sweep").

-- Why deliveries may be missing since subscription_gap_started_at: 'deleted' (the subscription
-- vanished in Calendly), 'disabled' (Calendly disabled it after failed deliveries), 'replaced' (we had
-- to delete and re-create it), 'not_created' (it could not be created), 'reauthorized' (the
-- integration was back from reauthorization), 'silent' (no delivery for a long time on an active account).
alter table calendly_integration
    add column subscription_gap_cause text;

-- Which integration of a tenant owns an invitee: the first one that saw it. Deliveries and imports of
-- the same invitee through another integration of the tenant are applied as the owner's, so the tenant
-- gets one booking and one set of effects. A reschedule's new invitee follows its old invitee's owner.
create table calendly_invitee_owner (
    tenant_id       text        not null,
    invitee_uri     text        not null,
    integration_id  uuid        not null references calendly_integration (id) on delete cascade,
    claimed_at      timestamptz not null default now(),
    primary key (tenant_id, invitee_uri)
);
create index calendly_invitee_owner_integration_idx on calendly_invitee_owner (integration_id);
-- Bookings made before this migration: the integration that booked first owns the invitee.
insert into calendly_invitee_owner (tenant_id, invitee_uri, integration_id, claimed_at)
select distinct on (tenant_id, invitee_uri) tenant_id, invitee_uri, integration_id, created_at
from calendly_booking
order by tenant_id, invitee_uri, created_at, id;

-- A tenant's import window and whether imported past meetings get a task.
create table calendly_sync_settings (
    tenant_id           text        primary key,
    upcoming_days       integer     not null default 90 check (upcoming_days between 0 and 365),
    past_days           integer     not null default 7 check (past_days between 0 and 90),
    past_meeting_tasks  boolean     not null default false,
    updated_at          timestamptz not null default now()
);

-- One row per integration: the background job it has (at most one at a time), its progress and lease,
-- when the next sweep is due, and the last result of each kind of job (JSON, shown by the settings API).
create table calendly_sync_state (
    integration_id          uuid        primary key references calendly_integration (id) on delete cascade,
    tenant_id               text        not null,
    imported_for            timestamptz,
    checked_through         timestamptz,
    job_kind                text        check (job_kind in ('IMPORT', 'BACKFILL', 'SWEEP')),
    job_cause               text,
    job_since               timestamptz,
    job_requested_at        timestamptz,
    job_started_at          timestamptz,
    job_total               integer     not null default 0,
    job_done                integer     not null default 0,
    job_paused_until        timestamptz,
    lease_owner             text,
    lease_until             timestamptz,
    next_sweep_at           timestamptz,
    last_import             jsonb,
    last_backfill           jsonb,
    last_sweep              jsonb,
    updated_at              timestamptz not null default now()
);
create index calendly_sync_state_job_idx on calendly_sync_state (job_requested_at) where job_kind is not null;
create index calendly_sync_state_sweep_idx on calendly_sync_state (next_sweep_at);
