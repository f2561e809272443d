-- At most one master-key rotation runs at a time: two nodes starting one at once end with one row
-- (insert ... on conflict do nothing, then read the running one).
create unique index calendly_kek_rotation_running_idx on calendly_kek_rotation (state) where state = 'RUNNING';
