-- Per-conversation settings (issue 18): the lane a send without "lane" uses (the lane of the
-- conversation's last send that named one, or one set with PATCH; NULL = the server's default)
-- and an optional system prompt (at most 8 KiB of UTF-8; NULL = none) sent first to openai
-- lanes and in a worker's claim.
ALTER TABLE conversations ADD COLUMN lane TEXT;
ALTER TABLE conversations ADD COLUMN system_prompt TEXT;
