-- Token and subscription bookkeeping of the oauth feature.

-- Calendly allows 8 token requests per user per minute. Token requests for an integration are
-- made only while its row is locked (select ... for update), so this counter is exact across nodes.
alter table calendly_integration
    add column token_requests_window_start timestamptz,
    add column token_requests_in_window    integer not null default 0;

-- Subscription work (create, replace, periodic check) calls Calendly for seconds; a lease instead of
-- a row lock keeps the row free for token refreshes meanwhile, and keeps two nodes from replacing the
-- same subscription at once.
alter table calendly_integration
    add column subscription_lease_owner text,
    add column subscription_lease_until timestamptz;

create index calendly_integration_subscription_check_idx
    on calendly_integration (subscription_checked_at nulls first) where status = 'CONNECTED';
