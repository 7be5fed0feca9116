-- Lanechat's schema, one file for SQLite and PostgreSQL. The only difference, the binary column
-- type, comes in as the placeholder ${blob_type} (see store/Dialect.java).
-- Times are ISO-8601 UTC text with milliseconds (sortable as text); lease deadlines are epoch ms.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    token_hash    TEXT,
    revoked_at    TEXT,
    created_at    TEXT NOT NULL,
    -- the id of this user's newest event; bumped in the writing transaction, so per-user event ids
    -- are gapless and in commit order
    last_event_id BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE conversations (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id),
    title          TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    message_count  BIGINT NOT NULL DEFAULT 0,
    total_cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0
);
CREATE INDEX conversations_by_user ON conversations (user_id, updated_at);

CREATE TABLE messages (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    position        BIGINT NOT NULL,
    role            TEXT NOT NULL,
    content         TEXT NOT NULL,
    status          TEXT NOT NULL,
    task_id         TEXT,
    lane            TEXT,
    model           TEXT,
    cost_usd        DOUBLE PRECISION,
    error           TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, position);

CREATE TABLE tasks (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users (id),
    conversation_id  TEXT NOT NULL REFERENCES conversations (id),
    message_id       TEXT NOT NULL,
    lane             TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    lease_id         TEXT,
    lease_expires_at BIGINT,
    error            TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX tasks_queue ON tasks (lane, status, created_at);
CREATE INDEX tasks_by_conversation ON tasks (conversation_id);

CREATE TABLE files (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    message_id   TEXT NOT NULL REFERENCES messages (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    data         ${blob_type} NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX files_by_message ON files (message_id);

CREATE TABLE events (
    user_id    TEXT NOT NULL REFERENCES users (id),
    id         BIGINT NOT NULL,
    type       TEXT NOT NULL,
    -- the event's "data" object as JSON text, exactly as it is sent
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, id)
);
CREATE INDEX events_by_time ON events (created_at);

CREATE TABLE idempotency_keys (
    user_id      TEXT NOT NULL REFERENCES users (id),
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response     TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
