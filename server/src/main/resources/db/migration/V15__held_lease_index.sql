-- Issue 15: on PostgreSQL a task handed to a node's lane in memory is stored queued under that
-- node's lease until a loop starts it; if the node dies, the lease sweep of the others gives it
-- back to the queue once that lease ran out (status = 'queued' AND lease_id IS NOT NULL AND
-- lease_expires_at < :deadline). Only held tasks are in this index, so the sweep costs nothing
-- for the queue and for ended tasks.
CREATE INDEX tasks_held_by_lease ON tasks (lease_expires_at) WHERE status = 'queued' AND lease_id IS NOT NULL;
