-- Single-use Calendly scheduling links a CRM user sent to a contact (write-back, issue 19).
-- The booking URL handed out carries utm_content = 'calbridge-link.' || token; when the booking
-- comes back, its invitee.created payload carries the same tracking value, and the token finds the
-- contact here, whatever e-mail the invitee typed. The token is random (not the contact id), so
-- nobody can attach a booking to a contact by typing its id into a public booking page.
create table calendly_scheduling_link (
    id                   uuid        primary key,
    tenant_id            text        not null,
    integration_id       uuid        not null references calendly_integration (id) on delete cascade,
    contact_ref          text        not null,
    event_type_uri       text        not null,
    token                text        not null unique,
    -- The caller's Idempotency-Key: a retry after a lost reply gets the same link, not a second one.
    idempotency_key      text        not null,
    -- Calendly's booking URL; null while Calendly has not answered (a retry asks again).
    booking_url          text,
    created_by           text,
    created_at           timestamptz not null default now(),
    -- The first invitee that booked through the link; later bookings carrying the token are not attached.
    used_by_invitee_uri  text,
    used_at              timestamptz,
    unique (tenant_id, idempotency_key)
);
create index calendly_scheduling_link_contact_idx on calendly_scheduling_link (tenant_id, contact_ref, created_at desc);
