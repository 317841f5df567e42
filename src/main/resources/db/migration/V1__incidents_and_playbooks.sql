-- Incidents: one row per stored incident context.
CREATE TABLE incidents (
    id                uuid        PRIMARY KEY,
    issue_description text        NOT NULL,
    error_message     text,
    environment       text        NOT NULL,
    language          text        NOT NULL,
    urgency           text        NOT NULL,
    include_logs      boolean     NOT NULL,
    include_solutions boolean     NOT NULL,
    service           text,
    database_kind     text,
    labels            jsonb       NOT NULL DEFAULT '{}'::jsonb,
    log_excerpt       text,
    status            text        NOT NULL DEFAULT 'open'
                                  CHECK (status IN ('open', 'acknowledged', 'resolved')),
    notes             text,
    -- Idempotency: the unique constraint (not a check-then-insert) makes concurrent duplicates safe.
    idempotency_key   text        UNIQUE,
    -- SHA-256 of the canonical request body: same key + other body is a 422.
    request_hash      text,
    version           integer     NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Keyset pagination walks (created_at, id) newest first.
CREATE INDEX incidents_created_desc ON incidents (created_at DESC, id DESC);
CREATE INDEX incidents_status_created_desc ON incidents (status, created_at DESC, id DESC);

-- The root-cause catalogue; rows are seeded from the classpath copy by V2.
CREATE TABLE playbooks (
    id         text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    position   integer     NOT NULL,
    title      text        NOT NULL,
    category   text        NOT NULL,
    symptom    text        NOT NULL,
    match      jsonb       NOT NULL,
    solutions  jsonb       NOT NULL,
    prevention text        NOT NULL,
    commands   jsonb       NOT NULL,
    version    integer     NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
