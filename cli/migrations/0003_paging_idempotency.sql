-- Paging by (updated_at, id), newest first: the list's order and its cursor.
CREATE INDEX sessions_by_update_id ON sessions (updated_at, id);
CREATE INDEX sessions_by_creator ON sessions (created_by, updated_at);

-- Idempotency keys: the first answer to a request with an `Idempotency-Key`, kept 24 hours
-- per caller (token name) and key. `fingerprint` is the SHA-256 of the route and body: the
-- same key with another request is refused. `status` 0 marks a request still being answered.
CREATE TABLE idempotency (
    caller      TEXT NOT NULL,
    idem_key    TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status      BIGINT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (caller, idem_key)
);
CREATE INDEX idempotency_by_age ON idempotency (created_at);
