-- OIDC sign-in (issue 20). An identity is an issuer's subject; it names one user, created at its
-- first sign-in (the email is what the provider said then, for people to read, not a key).
CREATE TABLE oidc_identities (
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    email      TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identities_by_user ON oidc_identities (user_id);

-- Sign-ins under way: the browser holds a random value in a short-lived cookie, stored here
-- hashed with the state, nonce and PKCE verifier of its flow. The callback deletes the row as it
-- reads it, so a flow (and its code) is used at most once, on whichever node gets the callback.
CREATE TABLE oidc_logins (
    id_hash       TEXT PRIMARY KEY,
    state         TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX oidc_logins_by_expiry ON oidc_logins (expires_at);
