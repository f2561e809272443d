-- Erasure and export (PrivacyStore) find a person's rows of every integration of the tenant by
-- lower(trim(email)); V52's index led with (tenant_id, integration_id), so that lookup could only use
-- its tenant_id and read every clear-e-mail row of the tenant. With the e-mail second, both lookups
-- are exact: erasure by (tenant_id, e-mail), BookingStore.chainsOf by (tenant_id, e-mail, integration_id).
drop index calendly_booking_email_clear_idx;
create index calendly_booking_email_clear_idx on calendly_booking (tenant_id, lower(trim(email)), integration_id)
    where email is not null;
