-- Issue 15: every token-mode request and socket looks its user up by token_hash; without an index
-- that was a full scan of users. NULLs (revoked or open-mode users) are left out of the index.
CREATE INDEX users_by_token_hash ON users (token_hash) WHERE token_hash IS NOT NULL;
