-- The person's other bookings (BookingStore.chainsOf) are looked up once per new chain. With sealing
-- on, email_index serves that lookup; in clear mode it matches lower(trim(email)) and, without this
-- index, read every booking of the tenant. Partial: sealed rows have no clear e-mail.
create index calendly_booking_email_clear_idx on calendly_booking (tenant_id, integration_id, lower(trim(email)))
    where email is not null;
