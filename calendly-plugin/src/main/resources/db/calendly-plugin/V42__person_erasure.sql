-- Erasure of one person (issue 17).

-- A tenant's privacy choices. No row: the defaults (later deliveries of an erased person are ignored;
-- Calendly's data-compliance deletion is not requested).
create table calendly_privacy_settings (
    tenant_id          text        primary key,
    after_erasure      text        not null default 'IGNORE' check (after_erasure in ('IGNORE', 'NEW_CONTACT')),
    calendly_deletion  boolean     not null default false,
    updated_at         timestamptz not null default now(),
    updated_by         text
);

-- People a tenant erased, as the HMAC of their e-mail under the tenant's index key (never the e-mail):
-- a later delivery naming one of them is handled as the tenant chose.
create table calendly_erased_person (
    tenant_id    text        not null,
    email_index  bytea       not null,
    erased_at    timestamptz not null default now(),
    primary key (tenant_id, email_index)
);
