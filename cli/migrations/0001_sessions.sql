-- Sessions, their steps, and the webhook outbox. One schema for SQLite and PostgreSQL:
-- times are milliseconds since the Unix epoch (BIGINT), documents are JSON text.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    article     TEXT NOT NULL,
    current     TEXT NOT NULL,
    title       TEXT NOT NULL,
    status      TEXT NOT NULL,
    steps       BIGINT NOT NULL,
    state       TEXT NOT NULL,
    problem     TEXT,
    reference   TEXT,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX sessions_by_update ON sessions (updated_at);
CREATE INDEX sessions_by_status ON sessions (status, updated_at);

CREATE TABLE steps (
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    seq         BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    article     TEXT NOT NULL,
    step        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE outbox (
    event_id    TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE deliveries (
    event_id     TEXT NOT NULL REFERENCES outbox (event_id),
    target       TEXT NOT NULL,
    attempts     BIGINT NOT NULL,
    next_at      BIGINT NOT NULL,
    delivered_at BIGINT,
    last_error   TEXT,
    PRIMARY KEY (event_id, target)
);
CREATE INDEX deliveries_due ON deliveries (delivered_at, next_at);
