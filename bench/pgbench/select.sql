-- The service's SELECT by id (IncidentRepository.findById), for a random loaded incident.
-- bench.py loads ids 1 to N (-D ids=N) as 00000000-0000-4000-8000-<12-digit number> (incident_id there).
\set i random(1, :ids)
SELECT id, issue_description, error_message, environment, language, urgency, include_logs, include_solutions, service, database_kind, labels, log_excerpt, status, notes, request_hash, version, created_at, updated_at FROM incidents WHERE id = ('00000000-0000-4000-8000-' || lpad(:i::text, 12, '0'))::uuid;
