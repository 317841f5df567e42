-- The service's keyset page (IncidentRepository.list) as GET /api/v1/incidents?limit=20 runs
-- it: no filter, first page (no cursor), 20 + 1 rows. pgbench cannot bind NULL, so the NULL
-- parameters are literals; the service's unnamed statement is planned with the same values.
SELECT id, issue_description, error_message, environment, language, urgency, include_logs, include_solutions, service, database_kind, labels, log_excerpt, status, notes, request_hash, version, created_at, updated_at FROM incidents WHERE (NULL::text IS NULL OR status = NULL) AND (NULL::text IS NULL OR urgency = NULL) AND (NULL::text IS NULL OR environment = NULL) AND (NULL::timestamptz IS NULL OR (created_at, id) < (NULL::timestamptz, NULL::uuid)) ORDER BY created_at DESC, id DESC LIMIT 21;
