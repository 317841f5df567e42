-- Maintenance mode for the whole cluster: one row that every replica reads every second
-- (database/SharedMaintenance) and any replica writes (PUT /api/v1/admin/maintenance).
CREATE TABLE maintenance_mode (
    -- Exactly one row: the key can only be true.
    id                  boolean     PRIMARY KEY DEFAULT true CHECK (id),
    enabled             boolean     NOT NULL DEFAULT false,
    reason              text        CHECK (char_length(reason) <= 500),
    retry_after_seconds integer     NOT NULL DEFAULT 60 CHECK (retry_after_seconds BETWEEN 1 AND 86400),
    -- When the switch last moved (not when it was last written).
    changed_at          timestamptz NOT NULL DEFAULT clock_timestamp()
);

INSERT INTO maintenance_mode (id) VALUES (true);
