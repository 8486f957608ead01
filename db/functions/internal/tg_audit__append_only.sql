-- internal.tg_audit__append_only(): the audit log is never changed.
CREATE OR REPLACE FUNCTION internal.tg_audit__append_only()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
BEGIN
  /* BEFORE UPDATE, DELETE or TRUNCATE on an audit table: refused with 42501, for every role, the owner included. */
  RAISE EXCEPTION '%.% is append-only: % is not allowed', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'The audit trail keeps every event; retention is the audit policy''s, not an UPDATE''s.';
END
$fn$;

COMMENT ON FUNCTION internal.tg_audit__append_only() IS
  'Refuses UPDATE, DELETE and TRUNCATE on audit tables (42501).';
REVOKE ALL ON FUNCTION internal.tg_audit__append_only() FROM PUBLIC;
