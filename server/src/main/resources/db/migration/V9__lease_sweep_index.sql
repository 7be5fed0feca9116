-- Issue 15: the lease sweep looks for running tasks whose lease ran out
-- (status = 'running' AND lease_expires_at < :deadline); no index fitted, so each sweep scanned
-- the tasks. Only running tasks are in this one, so queued and ended ones cost it nothing.
CREATE INDEX tasks_running_by_lease ON tasks (lease_expires_at) WHERE status = 'running';
