-- Worker tokens limited to lanes (issue 14): the comma-separated lane names a worker may serve;
-- NULL (every worker made before, and 'users add NAME --worker' without --lanes) serves every lane.
ALTER TABLE users ADD COLUMN lanes TEXT;
