-- Ready for Citus (docs/scaling.md): every tenant table that would be
-- distributed on organization_id has it leading its primary key and every
-- foreign key to another distributed table. The tables that stay on the
-- coordinator (the scheduler, the queues, the audit log, the bookkeeping)
-- are listed by name, so a new table is one or the other on purpose.
BEGIN;
SELECT plan(4);

CREATE TEMP TABLE coordinator_local (name text PRIMARY KEY) ON COMMIT DROP;
INSERT INTO coordinator_local VALUES
  ('reporting.scheduled_jobs'), ('reporting.job_runs'), ('reporting.job_execution_history'),
  ('reporting.job_alerts'), ('reporting.job_alert_events'), ('reporting.job_dependencies'),
  ('internal.aggregation_queue'), ('internal.alembic_version'), ('internal.applied_objects'),
  ('audit.events');

CREATE TEMP VIEW distributed AS
SELECT c.oid, c.relnamespace::regnamespace || '.' || c.relname AS name
  FROM pg_class c
 WHERE c.relnamespace::regnamespace::text IN ('venue', 'reporting', 'audit', 'internal')
   AND c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND c.relnamespace::regnamespace || '.' || c.relname NOT IN (SELECT name FROM coordinator_local);

SELECT is(
  (SELECT array_agg(d.name ORDER BY 1) FROM distributed d
    WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a
                       WHERE a.attrelid = d.oid AND a.attname = 'organization_id' AND NOT a.attisdropped)),
  NULL,
  'every distributed table has organization_id');

SELECT is(
  (SELECT array_agg(d.name ORDER BY 1) FROM distributed d
    WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k
                        JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
                       WHERE k.conrelid = d.oid AND k.contype = 'p' AND a.attname = 'organization_id')),
  NULL,
  'organization_id leads the primary key of every distributed table');

SELECT is(
  (SELECT array_agg(child.name || ' ' || k.conname ORDER BY 1)
     FROM pg_constraint k
     JOIN distributed child ON child.oid = k.conrelid
     JOIN distributed parent ON parent.oid = k.confrelid
     JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
     JOIN pg_attribute b ON b.attrelid = k.confrelid AND b.attnum = k.confkey[1]
    WHERE k.contype = 'f' AND (a.attname <> 'organization_id' OR b.attname <> 'organization_id')),
  NULL,
  'organization_id leads every foreign key between distributed tables, on both sides');

SELECT is(
  (SELECT array_agg(l.name ORDER BY 1) FROM coordinator_local l WHERE to_regclass(l.name) IS NULL),
  NULL,
  'every table listed as coordinator-local exists (the list is kept up to date)');

SELECT * FROM finish();
ROLLBACK;
