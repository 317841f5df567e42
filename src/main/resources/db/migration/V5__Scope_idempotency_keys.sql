-- Idempotency keys are scoped: an API caller's keys live in 'client:<caller>', the keys the
-- service records for itself (Alertmanager alerts) in 'service:<source>'. A key is unique within
-- its scope only, so no caller can take over an incident another caller or an alert will use.
ALTER TABLE incidents ADD COLUMN idempotency_scope text;

-- Rows from before authentication: the alert receiver's keys keep working in the service's scope;
-- client keys had no known caller, so they go to a scope no caller has (a retry of such a request
-- after the upgrade creates a new incident instead of returning the old one).
UPDATE incidents
   SET idempotency_scope = CASE WHEN idempotency_key LIKE 'alertmanager:%' THEN 'service:alertmanager'
                                ELSE 'legacy:unauthenticated' END
 WHERE idempotency_key IS NOT NULL;

ALTER TABLE incidents DROP CONSTRAINT incidents_idempotency_key_key;
ALTER TABLE incidents ADD CONSTRAINT incidents_idempotency_scope_key UNIQUE (idempotency_scope, idempotency_key);
ALTER TABLE incidents ADD CONSTRAINT incidents_idempotency_scoped
    CHECK ((idempotency_scope IS NULL) = (idempotency_key IS NULL));
