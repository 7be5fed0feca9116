-- Usage and quotas (issue 20). One row per user per UTC day, bumped in the transaction that
-- completes a task (tasks/TaskService -> usage/UsageLedger), so a kill -9 neither loses nor
-- doubles a count: the completion and its usage commit together or not at all.
CREATE TABLE usage_daily (
    user_id           TEXT NOT NULL REFERENCES users (id),
    -- YYYY-MM-DD in UTC; a month is a prefix (YYYY-MM), so both sum with a range on the key
    day               TEXT NOT NULL,
    messages          BIGINT NOT NULL DEFAULT 0,
    prompt_tokens     BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
    cost_usd          DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day)
);

-- A user's own quotas, set on the admin page; NULL: the server's default (--quota-*).
ALTER TABLE users ADD COLUMN quota_messages_per_day BIGINT;
ALTER TABLE users ADD COLUMN quota_usd_per_month DOUBLE PRECISION;
-- When the user last called the API (written at most once a minute per user and node).
ALTER TABLE users ADD COLUMN last_seen_at TEXT;
