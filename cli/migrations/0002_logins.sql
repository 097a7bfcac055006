-- Browsers signed in: the cookie holds a random secret, the table its SHA-256, whose token
-- (by the token's SHA-256: a revoked token ends its sign-ins) and until when. Signing out
-- deletes the row; "sign out everywhere" deletes the token name's rows.
CREATE TABLE logins (
    id          TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX logins_by_name ON logins (name);
