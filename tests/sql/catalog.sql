-- The house rules, checked on the catalog: what every object must carry.
BEGIN;
SELECT plan(9);

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
-- each with its search_path pinned and a header saying why. The whole list
-- (api is on the database's search_path, so its functions print unqualified):
SELECT set_eq(
  $$SELECT p.pronamespace::regnamespace::text || '.' || p.proname || '('
            || (SELECT coalesce(string_agg(format_type(t, NULL), ',' ORDER BY n), '')
                  FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a (t, n)) || ')'
      FROM pg_proc p
     WHERE p.pronamespace::regnamespace::text IN ('api', 'internal', 'reporting', 'venue', 'audit', 'auth')
       AND p.prosecdef$$,
  $$VALUES ('internal.audit_event(uuid,text,text,text,jsonb,jsonb,jsonb)'),
           ('internal.member_organizations(text[])'),
           -- triggers doing the engine's bookkeeping for an admin writing through RLS
           ('internal.tg_audit_change()'),
           ('internal.tg_mark_aggregation_dirty()'),
           ('internal.tg_customers__requeue_days()'),
           ('internal.tg_venues__requeue_days()'),
           ('internal.tg_report_sections__check()'),
           ('internal.tg_report_subscriptions__prepare()'),
           ('internal.tg_report_subscriptions__sync_jobs()'),
           ('internal.tg_report_templates__guard()'),
           ('internal.tg_report_templates__log()'),
           ('internal.tg_report_templates__sync_jobs()'),
           ('internal.tg_scheduled_jobs__keep_runs()'),
           ('internal.tg_scheduled_jobs__prepare()'),
           ('internal.tg_job_dependencies__no_cycle()'),
           -- the renderer daemon's calls: it holds no table privileges
           ('api.claim_reports(text,integer,interval)'),
           ('api.heartbeat_report(bigint,text,interval)'),
           ('api.complete_report(bigint,text,jsonb,jsonb,bigint)'),
           ('api.fail_report(bigint,text,text)'),
           ('api.release_report(bigint,text)'),
           ('api.render_queue_depth()'),
           ('api.claim_deliveries(text,integer,interval,text[])'),
           ('api.begin_delivery(bigint,text,interval)'),
           ('api.record_delivery(bigint,text,text,text,text,text,interval,jsonb)'),
           ('api.record_provider_event(text,text,text,timestamp with time zone,jsonb)'),
           ('api.pause_subscription(bigint,text)'),
           ('api.claim_expired_files(text,integer,interval)'),
           ('api.files_deleted(bigint,text)'),
           ('api.record_download(bigint,text,jsonb)'),
           -- a client's calls that write the engine's rows, after internal.require_member
           ('api.generate_report(text,uuid,date,date,jsonb,text[],text)'),
           ('api.validate_report_data(bigint)'),
           ('api.create_report_template(uuid,jsonb,boolean)'),
           ('api.activate_report_template(uuid,text,integer)'),
           ('api.schedule_report(uuid,text,text,text,bigint[],jsonb,text[],text[],integer)'),
           ('api.erase_customer(uuid,bigint)')$$,
  'the SECURITY DEFINER functions are exactly these');

SELECT is(
  (SELECT array_agg(p.oid::regprocedure::text ORDER BY 1)
     FROM pg_proc p
    WHERE p.prosecdef
      AND p.pronamespace::regnamespace::text IN ('api', 'internal', 'reporting', 'venue', 'audit', 'auth')
      AND NOT coalesce(p.proconfig, '{}') @> '{"search_path=pg_catalog, pg_temp"}'),
  NULL,
  'every SECURITY DEFINER function pins search_path = pg_catalog, pg_temp');

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
