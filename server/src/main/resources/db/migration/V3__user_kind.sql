-- Worker identities (issue 6): a token of kind 'worker' serves lanes over the worker API and is
-- refused everywhere else; a token of kind 'user' is refused on the worker API.
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'user';
