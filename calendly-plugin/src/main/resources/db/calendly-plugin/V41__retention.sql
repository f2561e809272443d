-- Retention of invitees' data (issue 17): see docs/privacy.md for the table of what is kept and why.

-- A processed delivery's body is purged (set to null) once its retention ran out; the row stays for
-- the webhook log and so a late retry of the same delivery is still recognised as a duplicate.
alter table calendly_webhook_inbox alter column raw_body drop not null;
alter table calendly_webhook_inbox add column body_purged_at timestamptz;
create index calendly_webhook_inbox_purge_idx on calendly_webhook_inbox (processed_at)
    where raw_body is not null and status in ('DONE', 'IGNORED', 'DEAD');

-- A booking row keeps its personal fields while a reschedule, cancel or no-show can still arrive;
-- then only the facts idempotency needs stay (URIs, chain, status, times, host references).
alter table calendly_booking add column personal_purged_at timestamptz;
create index calendly_booking_purge_idx on calendly_booking (end_time) where personal_purged_at is null;

create index calendly_webhook_rejection_purge_idx on calendly_webhook_rejection (received_at);

-- Background jobs that one node at a time runs (claimed with a lease; a dead node's lease runs out).
create table calendly_privacy_job (
    name         text        primary key,
    owner        text,
    lease_until  timestamptz,
    last_run_at  timestamptz,
    last_purged  bigint
);
