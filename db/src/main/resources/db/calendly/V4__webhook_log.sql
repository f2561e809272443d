-- Webhook receiving (issue 6): what the per-tenant webhook log and the worker's gauges need.

-- Why a delivery was refused, for the tenant's admin (e.g. "timestamp 412 s old, tolerance 180 s").
-- Never contains the body or a signature.
alter table calendly_webhook_rejection add column detail text;

-- The webhook log lists a tenant's deliveries and rejections newest first.
create index calendly_webhook_inbox_received_idx on calendly_webhook_inbox (tenant_id, received_at desc, id desc);
create index calendly_webhook_rejection_received_idx on calendly_webhook_rejection (tenant_id, received_at desc, id desc);

-- Dead letters are few and looked up per integration (replay) and counted (gauge).
create index calendly_webhook_inbox_dead_idx on calendly_webhook_inbox (integration_id, id) where status = 'DEAD';
