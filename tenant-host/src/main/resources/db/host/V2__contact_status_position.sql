-- The order in which a tenant's contact statuses are shown; the first (lowest position, then
-- code) is the status of contacts created without one, e.g. by the Calendly plugin when its
-- settings name no status.
alter table contact_status add column position integer not null default 0;
