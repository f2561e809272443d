-- Before this version the retention purge also marked placeholders (rows a reschedule partner named,
-- never seen: no payload, no times) as purged once they were 90 days old. They held nothing personal,
-- and the sync now takes a purged row for a booking applied long ago, so a marked placeholder would
-- never be filled from Calendly. A purged booking keeps its start time; a placeholder never had one.
update calendly_booking
   set personal_purged_at = null
 where personal_purged_at is not null
   and start_time is null
   and invitee_payload is null
   and payload_enc is null;
