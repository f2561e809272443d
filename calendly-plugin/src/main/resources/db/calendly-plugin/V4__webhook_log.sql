-- Webhook receiving (issue 6): what the per-tenant webhook log and the worker's gauges need.

-- Why a delivery was refused, for the tenant's admin (e.g. "timestamp 412 s old, tolerance 180 s").
-- Never contains the body or a signature.
alter table calendly_webhook_rejection add column detail text;

-- The webhook log lists a tenant's deliveries and rejections newest first.
create index calendly_webhook_inbox_received_idx on calendly_webhook_inbox (tenant_id, received_at desc, id desc);
create index calendly_webhook_rejection_received_idx on calendly_webhook_rejection (tenant_id, received_at desc, id desc);

-- Dead letters are few and looked up per integration (replay) and counted (gauge).
create index calendly_webhook_inbox_dead_idx on calendly_webhook_inbox (integration_id, id) where status = 'DEAD';

-- Every delivery is inserted once and read rarely: keep the write path lean.
-- (tenant_id, integration_id, id desc) is covered by calendly_webhook_inbox_received_idx for the log;
-- (integration_id, status) by the partial claim, lease and dead-letter indexes.
drop index calendly_webhook_inbox_log_idx;
drop index calendly_webhook_inbox_status_idx;

-- Bodies are JSON of a few KiB and get compressed on insert: lz4 costs a fraction of pglz's CPU for
-- about the same size. Only where the server was built with lz4 (PostgreSQL 14+).
do $$
begin
    if exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any (enumvals)) then
        alter table calendly_webhook_inbox alter column raw_body set compression lz4;
    end if;
end
$$;
