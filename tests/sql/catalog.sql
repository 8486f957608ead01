-- The house rules, checked on the catalog: what every object must carry.
BEGIN;
SELECT plan(8);

SELECT is(
  (SELECT array_agg(p.oid::regprocedure::text ORDER BY 1)
     FROM pg_proc p
    WHERE p.pronamespace = 'api'::regnamespace
      AND coalesce(obj_description(p.oid, 'pg_proc'), '') = ''),
  NULL,
  'every api function has a COMMENT');

SELECT is(
  (SELECT array_agg(c.relname::text ORDER BY 1)
     FROM pg_class c
    WHERE c.relnamespace = 'venue'::regnamespace AND c.relkind IN ('r', 'p')
      AND NOT EXISTS (
        SELECT 1 FROM pg_constraint k
          JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
         WHERE k.conrelid = c.oid AND k.contype = 'p' AND a.attname = 'organization_id')),
  NULL,
  'every venue table has organization_id leading its primary key');

SELECT is(
  (SELECT array_agg(k.conname::text ORDER BY 1)
     FROM pg_constraint k
     JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
    WHERE k.contype = 'f'
      AND k.conrelid::regclass::text LIKE 'venue.%'
      AND k.confrelid::regclass::text LIKE 'venue.%'
      AND a.attname <> 'organization_id'),
  NULL,
  'every foreign key between venue tables starts with organization_id');

SELECT is(
  (SELECT array_agg(c.relname::text ORDER BY 1)
     FROM pg_class c
    WHERE c.relnamespace = 'venue'::regnamespace AND c.relkind IN ('r', 'p')
      AND coalesce(obj_description(c.oid, 'pg_class'), '') = ''),
  NULL,
  'every venue table has a COMMENT');

SELECT is(
  (SELECT array_agg(p.oid::regprocedure::text ORDER BY 1)
     FROM pg_proc p
    WHERE p.pronamespace IN ('api'::regnamespace, 'internal'::regnamespace)
      AND has_function_privilege('public', p.oid, 'EXECUTE')),
  NULL,
  'no api or internal function is executable by PUBLIC');

-- SECURITY DEFINER bypasses row-level security: only where that is the point,
-- each with its search_path pinned and a header saying why. The whole list:
SELECT set_eq(
  $$SELECT p.oid::regprocedure::text FROM pg_proc p
     WHERE p.pronamespace::regnamespace::text IN ('api', 'internal', 'reporting', 'venue', 'audit', 'auth')
       AND p.prosecdef$$,
  $$VALUES ('internal.audit_event(uuid,text,text,text,jsonb,jsonb,jsonb)'),
           ('internal.member_organizations(text[])'),
           ('internal.tg_audit_change()'),
           ('record_download(bigint,text,jsonb)')$$,  -- api is on the search_path
  'the SECURITY DEFINER functions are exactly these');

-- The fact tables check references per statement: every table that loses its
-- declared FOREIGN KEYs must have the insert, update and delete triggers.
SELECT set_eq(
  $$SELECT tgrelid::regclass::text || ' ' || tgname FROM pg_trigger
     WHERE tgname LIKE '%check_references%' AND NOT tgisinternal$$,
  $$VALUES ('venue.bookings bookings__check_references__insert'),
           ('venue.bookings bookings__check_references__update'),
           ('venue.payments payments__check_references__insert'),
           ('venue.payments payments__check_references__update'),
           ('venue.check_ins check_ins__check_references__insert'),
           ('venue.check_ins check_ins__check_references__update'),
           ('venue.feedback feedback__check_references__insert'),
           ('venue.feedback feedback__check_references__update')$$,
  'the fact tables check their references on insert and update');

SELECT is(
  current_setting('search_path') ~ 'reporting' AND current_setting('search_path') ~ 'api',
  true,
  'the database search_path includes reporting and api (seed examples run verbatim)');

SELECT * FROM finish();
ROLLBACK;
