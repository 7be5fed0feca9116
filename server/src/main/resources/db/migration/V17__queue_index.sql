-- The queue index holds only what a claim can take: queued tasks (issue 15). V1's index kept every
-- task for good, so each task's end rewrote its entry (status 'completed') and the index grew with
-- the store (12 MB of a 411 MB bench store), pages the writer's cache had to hold. With id in it, a
-- claim's ORDER BY created_at, id is read from the index, without a sort.
DROP INDEX tasks_queue;
CREATE INDEX tasks_queue ON tasks (lane, created_at, id) WHERE status = 'queued';
