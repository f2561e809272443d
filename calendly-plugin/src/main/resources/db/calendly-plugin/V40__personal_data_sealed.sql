-- Invitees' personal data under the tenant's data key (issue 17). Every column below ending in _enc
-- holds a value sealed by io.calbridge.calendly.internal.crypto.PersonalData: AES-256-GCM with the
-- tenant's DEK, bound to tenant, column and row. Crypto-shredding the tenant makes all of it unreadable.
--
-- The clear columns they replace stay for rows written before this version: readers fall back to
-- them, every write of a row empties them. Webhook bodies are sealed in place (raw_body holds either
-- the old clear JSON or a sealed value; the first byte tells which).

-- The tenant's blind-index key (32 random bytes, sealed by its DEK): e-mails become HMACs, so one
-- person's rows can be found for erasure and export without an e-mail in clear.
alter table calendly_tenant_key add column index_key_enc bytea;

alter table calendly_booking
    add column email_enc         bytea,
    add column name_enc          bytea,
    add column payload_enc       bytea,
    add column cancel_reason_enc bytea,
    add column canceled_by_enc   bytea,
    add column email_index       bytea;
create index calendly_booking_email_idx on calendly_booking (tenant_id, email_index) where email_index is not null;

-- Effect results hold task titles and descriptions (which templates fill with names).
alter table calendly_effect_ledger add column result_enc bytea;

-- Why a delivery was refused can quote the body (an unreadable payload's parser message).
alter table calendly_webhook_rejection add column detail_enc bytea;
