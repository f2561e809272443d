-- Audit trail per tenant (issue 17): who changed which setting or mapping, connected, disconnected,
-- replayed or erased what, and when. Holds ids, action names and setting names; never a secret, an
-- e-mail or a name (request bodies are never copied, only the names of the fields that were sent).
create table calendly_audit (
    id           bigint      generated always as identity primary key,
    tenant_id    text        not null,
    actor        text        not null,          -- the host's user id, or "operator"
    action       text        not null,          -- e.g. settings.changed, mapping.deleted, person.erased
    target       text,                          -- integration id, mapping id, inbox id (ids only)
    detail       jsonb,                         -- field names, counts
    at           timestamptz not null default now()
);
create index calendly_audit_tenant_idx on calendly_audit (tenant_id, id desc);
