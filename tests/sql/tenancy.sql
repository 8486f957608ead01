-- Tenancy: roles, row-level security and grants, switching role and user
-- across two organizations. Organization A has one user of each role, B an
-- admin; each has a venue, a customer, a booking, a payment, staff with
-- shifts and a report. Expected counts are the rows written below.
BEGIN;
SELECT plan(114);

INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-0000000a0001', 'Org A', 'tenancy-a'),
  ('00000000-0000-4000-8000-0000000b0001', 'Org B', 'tenancy-b');
CREATE FUNCTION pg_temp.a() RETURNS uuid LANGUAGE sql AS $$ SELECT '00000000-0000-4000-8000-0000000a0001'::uuid $$;
CREATE FUNCTION pg_temp.b() RETURNS uuid LANGUAGE sql AS $$ SELECT '00000000-0000-4000-8000-0000000b0001'::uuid $$;
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) VALUES
  (pg_temp.a(), 880001, 'A Room', 'a-room', 100),
  (pg_temp.b(), 880002, 'B Room', 'b-room', 100);
INSERT INTO venue.customers (organization_id, customer_id, first_name, last_name, email) VALUES
  (pg_temp.a(), 880001, 'Ann', 'Alpha', 'ann@a.example'),
  (pg_temp.b(), 880002, 'Bob', 'Beta', 'bob@b.example');
INSERT INTO venue.bookings (organization_id, booking_id, venue_id, customer_id, party_size, status, arrives_at) VALUES
  (pg_temp.a(), 880001, 880001, 880001, 4, 'confirmed', '2026-05-01 22:00+01'),
  (pg_temp.a(), 880003, 880001, 880001, 2, 'confirmed', '2026-05-08 22:00+01'),
  (pg_temp.b(), 880002, 880002, 880002, 6, 'confirmed', '2026-05-01 22:00+01');
INSERT INTO venue.payments (organization_id, payment_id, venue_id, booking_id, kind, amount, provider, status, paid_at) VALUES
  (pg_temp.a(), 880001, 880001, 880001, 'deposit', 50, 'stripe', 'succeeded', '2026-04-20 12:00+01'),
  (pg_temp.b(), 880002, 880002, 880002, 'deposit', 70, 'stripe', 'succeeded', '2026-04-20 12:00+01');

-- Users: a1 admin, a2 manager, a3 staff, a4 auditor of A; b1 admin of B;
-- c9 belongs nowhere (a customer signed in to some other app).
CREATE FUNCTION pg_temp.u(text) RETURNS uuid LANGUAGE sql AS $$
  SELECT ('00000000-0000-4000-8000-00000000' || $1 || '00')::uuid $$;
INSERT INTO venue.memberships (organization_id, user_id, role) VALUES
  (pg_temp.a(), pg_temp.u('a1'), 'admin'),
  (pg_temp.a(), pg_temp.u('a2'), 'manager'),
  (pg_temp.a(), pg_temp.u('a3'), 'staff'),
  (pg_temp.a(), pg_temp.u('a4'), 'auditor'),
  (pg_temp.b(), pg_temp.u('b1'), 'admin');
INSERT INTO venue.staff (organization_id, staff_id, venue_id, user_id, full_name, role) VALUES
  (pg_temp.a(), 880001, 880001, pg_temp.u('a3'), 'Sam Staff', 'bartender'),
  (pg_temp.a(), 880002, 880001, NULL, 'Pat Other', 'door'),
  (pg_temp.b(), 880003, 880002, NULL, 'Bea Barb', 'bartender');
INSERT INTO venue.shifts (organization_id, shift_id, venue_id, staff_id, role, starts_at, ends_at) VALUES
  (pg_temp.a(), 880001, 880001, 880001, 'bartender', '2026-05-01 21:00+01', '2026-05-02 03:00+01'),
  (pg_temp.a(), 880002, 880001, 880002, 'door', '2026-05-01 21:00+01', '2026-05-02 03:00+01'),
  (pg_temp.b(), 880003, 880002, 880003, 'bartender', '2026-05-01 21:00+01', '2026-05-02 03:00+01');
INSERT INTO reporting.report_recipients (organization_id, recipient_id, name, email, role)
VALUES (pg_temp.a(), 880001, 'Owner A', 'owner@a.example', 'owner');
SELECT internal.audit_event(pg_temp.a(), 'organization.updated', 'organization', pg_temp.a()::text) AS a_event \gset
SELECT internal.audit_event(pg_temp.b(), 'organization.updated', 'organization', pg_temp.b()::text) AS b_event \gset
SELECT api.generate_report('daily_summary', pg_temp.a(), '2026-05-01', '2026-05-01') IS NOT NULL AS a_report \gset
SELECT api.generate_report('daily_summary', pg_temp.b(), '2026-05-01', '2026-05-01') IS NOT NULL AS b_report \gset

\ir include/as_user.psql
GRANT EXECUTE ON FUNCTION pg_temp.u(text), pg_temp.a(), pg_temp.b()
  TO nightcap_admin, nightcap_manager, nightcap_staff, nightcap_auditor, nightcap_renderer;

-- Every tenant table: RLS enabled and forced, the owner's policy, nothing for PUBLIC.
SELECT is(
  (SELECT array_agg(c.oid::regclass::text ORDER BY 1) FROM pg_class c
    WHERE c.relnamespace::regnamespace::text IN ('venue', 'reporting', 'audit', 'internal')
      AND c.relkind IN ('r', 'p')
      AND (EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'organization_id')
           OR c.oid = 'reporting.job_dependencies'::regclass)
      AND NOT (c.relrowsecurity AND c.relforcerowsecurity
               AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'owner_all'))),
  NULL, 'every tenant table has row-level security enabled and forced, with the owner''s policy');
SELECT is(
  (SELECT array_agg(c.oid::regclass::text ORDER BY 1) FROM pg_class c
    WHERE c.relnamespace::regnamespace::text IN ('venue', 'reporting', 'audit', 'internal', 'api')
      AND c.relkind IN ('r', 'p', 'v', 'm')
      AND (has_table_privilege('public', c.oid, 'SELECT') OR has_table_privilege('public', c.oid, 'INSERT'))),
  NULL, 'no table or view is readable or writable by PUBLIC');
SELECT is(
  (SELECT array_agg(c.oid::regclass::text ORDER BY 1) FROM pg_class c
    WHERE c.relnamespace::regnamespace::text IN ('venue', 'reporting', 'audit', 'internal')
      AND pg_get_userbyid(c.relowner) <> 'nightcap_owner'),
  NULL, 'nightcap_owner owns every table, view and sequence');
SELECT is(
  (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'nightcap_owner'), false, 'the owner role cannot log in');

-- A parallel-unsafe function in a policy would turn parallel query off for
-- every query that reads the table, even the owner's, whose policy is `true`
-- (the planner checks parallel safety before it folds the policy away).
SELECT is(
  (SELECT array_agg(DISTINCT p.oid::regprocedure::text)
     FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid
    WHERE d.classid = 'pg_policy'::regclass AND d.refclassid = 'pg_proc'::regclass
      AND p.proparallel <> 's'),
  NULL, 'every function a policy calls is PARALLEL SAFE');

SELECT policies_are('venue', 'bookings', ARRAY['owner_all', 'members_read', 'members_write'],
  'venue.bookings: the owner, members reading, admins writing');
SELECT policies_are('venue', 'staff', ARRAY['owner_all', 'members_read', 'members_write', 'staff_own_read'],
  'venue.staff: and a staff member''s own row');
SELECT policies_are('venue', 'shifts', ARRAY['owner_all', 'members_read', 'members_write', 'staff_own_read'],
  'venue.shifts: and a staff member''s own shifts');
SELECT policies_are('venue', 'memberships', ARRAY['owner_all', 'members_read', 'members_write', 'own_read'],
  'venue.memberships: admins manage, users read their own');
SELECT policies_are('venue', 'organizations', ARRAY['owner_all', 'members_read', 'admins_update'],
  'venue.organizations: members read, admins update');
SELECT policies_are('reporting', 'report_generation_history', ARRAY['owner_all', 'members_read'],
  'report history: read only, written by the engine');
SELECT policies_are('reporting', 'job_dependencies', ARRAY['owner_all', 'members_read', 'members_write'],
  'job dependencies: through their jobs');
SELECT policies_are('audit', 'events', ARRAY['owner_all', 'members_read'],
  'the audit log: read only');
SELECT policies_are('internal', 'organization_secrets', ARRAY['owner_all'],
  'the organizations'' salts: the owner only');

SELECT function_privs_are('api', 'generate_report', ARRAY['text', 'uuid', 'date', 'date', 'jsonb', 'text[]', 'text'],
  'nightcap_manager', ARRAY['EXECUTE'], 'managers may generate reports');
SELECT function_privs_are('api', 'generate_report', ARRAY['text', 'uuid', 'date', 'date', 'jsonb', 'text[]', 'text'],
  'nightcap_staff', ARRAY[]::text[], 'staff may not');
SELECT function_privs_are('api', 'create_report_template', ARRAY['uuid', 'jsonb', 'boolean'],
  'nightcap_admin', ARRAY['EXECUTE'], 'admins may create templates');
SELECT function_privs_are('api', 'create_report_template', ARRAY['uuid', 'jsonb', 'boolean'],
  'nightcap_manager', ARRAY[]::text[], 'managers may not');
SELECT function_privs_are('api', 'claim_reports', ARRAY['text', 'integer', 'interval'],
  'nightcap_renderer', ARRAY['EXECUTE'], 'the renderer claims reports');
SELECT function_privs_are('api', 'claim_reports', ARRAY['text', 'integer', 'interval'],
  'nightcap_admin', ARRAY[]::text[], 'an admin does not');
SELECT function_privs_are('api', 'tick', ARRAY['timestamptz'],
  'nightcap_admin', ARRAY[]::text[], 'the scheduler is the system''s: no client role ticks');
SELECT is(
  (SELECT array_agg(p.oid::regprocedure::text ORDER BY 1) FROM pg_proc p
    WHERE p.pronamespace = 'api'::regnamespace AND has_function_privilege('nightcap_renderer', p.oid, 'EXECUTE')
      AND NOT p.prosecdef),
  NULL, 'every api function the renderer may call is SECURITY DEFINER (it has no table privileges)');
SELECT is(
  (SELECT count(*)::int FROM pg_class c
    WHERE c.relnamespace::regnamespace::text IN ('venue', 'reporting', 'audit', 'internal')
      AND has_table_privilege('nightcap_renderer', c.oid, 'SELECT')),
  0, 'the renderer can select no table');

-- Bookings: admins and managers read their organization's only.
SELECT is(pg_temp.as_user('nightcap_admin', 'a1', 'SELECT count(*) FROM venue.bookings'), '2', 'admin A reads A''s 2 bookings');
SELECT is(pg_temp.as_user('nightcap_admin', 'b1', 'SELECT count(*) FROM venue.bookings'), '1', 'admin B reads B''s 1');
SELECT is(pg_temp.as_user('nightcap_manager', 'a2', 'SELECT count(*) FROM venue.bookings'), '2', 'manager A reads A''s 2');
SELECT is(pg_temp.as_user('nightcap_manager', 'a2',
  'SELECT count(*) FROM venue.bookings WHERE organization_id = ''00000000-0000-4000-8000-0000000b0001'''),
  '0', 'asking for B''s bookings by id returns nothing');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_staff', 'a3', 'SELECT count(*) FROM venue.bookings')$t$, '42501', NULL, 'staff may not read bookings');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_auditor', 'a4', 'SELECT count(*) FROM venue.bookings')$t$, '42501', NULL, 'auditors may not read bookings');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_renderer', NULL, 'SELECT count(*) FROM venue.bookings')$t$, '42501', NULL, 'the renderer may not read bookings');
SELECT is(pg_temp.as_user('nightcap_manager', 'a1', 'SELECT count(*) FROM venue.bookings'), '2',
  'the database role is a ceiling: a manager login acting for admin a1 reads');
SELECT is(pg_temp.as_user('nightcap_manager', 'c9', 'SELECT count(*) FROM venue.bookings'), '0', 'a user of no organization reads nothing');
SELECT is(pg_temp.as_user('nightcap_manager', NULL, 'SELECT count(*) FROM venue.bookings'), '0', 'nobody signed in reads nothing');
SELECT is(pg_temp.as_user('nightcap_admin', 'a1', 'SELECT count(*) FROM venue.customers'), '1', 'admin A reads A''s one customer');
SELECT is(pg_temp.as_user('nightcap_manager', 'a2', 'SELECT sum(amount)::text FROM venue.payments'), '50.00', 'manager A sums A''s payments only');

-- Writes: admins write their organization; into another, 42501; another's rows are out of reach.
SELECT is(pg_temp.as_user('nightcap_admin', 'a1', $$INSERT INTO venue.bookings (organization_id, venue_id, party_size, arrives_at)
  VALUES ('00000000-0000-4000-8000-0000000a0001', 880001, 2, '2026-05-02 22:00+01')$$), '1', 'admin A inserts a booking into A');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_admin', 'a1', $$INSERT INTO venue.bookings (organization_id, venue_id, party_size, arrives_at)
  VALUES ('00000000-0000-4000-8000-0000000b0001', 880002, 2, '2026-05-02 22:00+01')$$)$t$, '42501', NULL, 'admin A inserting into B: 42501');
SELECT is(pg_temp.as_user('nightcap_admin', 'a1', 'UPDATE venue.bookings SET party_size = 5 WHERE booking_id = 880001'),
  '1', 'admin A updates A''s booking');
SELECT is(pg_temp.as_user('nightcap_admin', 'a1', 'UPDATE venue.bookings SET party_size = 5 WHERE booking_id = 880002'),
  '0', 'admin A updating B''s booking changes no row');
SELECT is(pg_temp.as_user('nightcap_admin', 'a1', 'DELETE FROM venue.bookings WHERE booking_id = 880002'),
  '0', 'admin A deleting B''s booking changes no row');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_admin', 'a1',
  $$UPDATE venue.customers SET organization_id = '00000000-0000-4000-8000-0000000b0001' WHERE customer_id = 880001$$)$t$, '42501', NULL, 'admin A moving A''s customer into B: 42501');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_manager', 'a2', 'UPDATE venue.bookings SET party_size = 5 WHERE booking_id = 880001')$t$, '42501', NULL, 'a manager may not update bookings');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_manager', 'a2', $$INSERT INTO venue.bookings (organization_id, venue_id, party_size, arrives_at)
  VALUES ('00000000-0000-4000-8000-0000000a0001', 880001, 2, '2026-05-02 22:00+01')$$)$t$, '42501', NULL, 'a manager may not insert bookings');
SELECT is(pg_temp.as_user('nightcap_admin', 'a2', 'UPDATE venue.bookings SET party_size = 5 WHERE booking_id = 880001'),
  '0', 'an admin login acting for manager a2 changes no row: the membership decides');
SELECT is((SELECT party_size FROM venue.bookings WHERE booking_id = 880002), 6, 'B''s booking is as it was');

-- Organizations: members read theirs, admins change the settings of theirs.
SELECT is(pg_temp.as_user('nightcap_staff', 'a3', 'SELECT string_agg(slug, '','') FROM venue.organizations'), 'tenancy-a', 'staff of A read A only');
SELECT is(pg_temp.as_user('nightcap_admin', 'a1', 'UPDATE venue.organizations SET retention_days = 30'), '1', 'admin A sets A''s retention');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_admin', 'a1', $$UPDATE venue.organizations SET slug = 'renamed'$$)$t$, '42501', NULL,
  'nobody but the system changes a slug');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_manager', 'a2', 'UPDATE venue.organizations SET retention_days = 30')$t$, '42501', NULL,
  'a manager may not change settings');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_admin', 'a1', $$DELETE FROM venue.organizations$$)$t$, '42501', NULL,
  'an admin may not delete an organization');

-- Staff see their own row and shifts; managers all of their organization's.
SELECT is(pg_temp.as_user('nightcap_staff', 'a3', 'SELECT string_agg(full_name, '','') FROM venue.staff'), 'Sam Staff', 'staff a3 reads their own staff row');
SELECT is(pg_temp.as_user('nightcap_staff', 'a3', 'SELECT string_agg(shift_id::text, '','') FROM venue.shifts'), '880001', 'and their own shift');
SELECT is(pg_temp.as_user('nightcap_manager', 'a2', 'SELECT count(*) FROM venue.shifts'), '2', 'manager A reads A''s 2 shifts');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_staff', 'a3', $$UPDATE venue.shifts SET break_minutes = 60$$)$t$, '42501', NULL, 'staff change no shift');

-- Memberships: admins see their organization's, others only their own.
SELECT is(pg_temp.as_user('nightcap_admin', 'a1', 'SELECT count(*) FROM venue.memberships'), '4', 'admin A sees A''s 4 members');
SELECT is(pg_temp.as_user('nightcap_manager', 'a2', 'SELECT string_agg(role, '','') FROM venue.memberships'), 'manager', 'a manager sees their own membership');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_admin', 'a1', $$INSERT INTO venue.memberships (organization_id, user_id, role)
  VALUES ('00000000-0000-4000-8000-0000000b0001', gen_random_uuid(), 'admin')$$)$t$, '42501', NULL, 'admin A cannot make admins of B');
SELECT is(pg_temp.as_user('nightcap_admin', 'a1', $$INSERT INTO venue.memberships (organization_id, user_id, role)
  VALUES ('00000000-0000-4000-8000-0000000a0001', gen_random_uuid(), 'manager')$$), '1', 'admin A adds a manager to A');

-- Report data: admins, managers and auditors read history; nobody writes it directly.
SELECT is(pg_temp.as_user('nightcap_manager', 'a2', 'SELECT count(*) FROM reporting.report_generation_history'), '1', 'manager A reads A''s report');
SELECT is(pg_temp.as_user('nightcap_auditor', 'a4', 'SELECT count(*) FROM reporting.report_generation_history'), '1', 'auditor A reads A''s report');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_staff', 'a3', 'SELECT count(*) FROM reporting.report_generation_history')$t$, '42501', NULL, 'staff read no reports');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_admin', 'a1', $$UPDATE reporting.report_generation_history SET status = 'failed'$$)$t$, '42501', NULL, 'an admin cannot rewrite report history');
SELECT is(pg_temp.as_user('nightcap_manager', 'a2', 'SELECT count(*) FROM reporting.report_templates'), '4', 'manager A reads A''s 4 system templates');
SELECT is(pg_temp.as_user('nightcap_admin', 'b1', 'SELECT count(*) FROM reporting.report_templates'), '4', 'admin B reads B''s 4');
SELECT is(pg_temp.as_user('nightcap_manager', 'a2', 'SELECT count(*) FROM reporting.daily_aggregations'), '0', 'aggregates: readable, none yet');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_manager', 'a2', 'SELECT count(*) FROM internal.organization_secrets')$t$, '42501', NULL, 'the salts: nobody');

-- Who may do what, table by table: the grants a role holds (the policies
-- then narrow the rows). Read: S, insert: I, update: U, delete: D.
SELECT results_eq(
  $$SELECT r, t, concat(CASE WHEN has_table_privilege(r, t, 'SELECT') THEN 'S' END,
                        CASE WHEN has_table_privilege(r, t, 'INSERT') THEN 'I' END,
                        CASE WHEN has_table_privilege(r, t, 'UPDATE') THEN 'U' END,
                        CASE WHEN has_table_privilege(r, t, 'DELETE') THEN 'D' END)
      FROM unnest(ARRAY['nightcap_admin', 'nightcap_manager', 'nightcap_staff', 'nightcap_auditor']) r,
           unnest(ARRAY['venue.customers', 'venue.payments', 'reporting.report_recipients',
                        'reporting.customer_analytics', 'reporting.scheduled_jobs', 'audit.delivery_events']) t
     ORDER BY 1, 2$$,
  $$VALUES ('nightcap_admin', 'audit.delivery_events', 'S'), ('nightcap_admin', 'reporting.customer_analytics', 'S'),
           ('nightcap_admin', 'reporting.report_recipients', 'SIUD'), ('nightcap_admin', 'reporting.scheduled_jobs', 'SIUD'),
           ('nightcap_admin', 'venue.customers', 'SIUD'), ('nightcap_admin', 'venue.payments', 'SIUD'),
           ('nightcap_auditor', 'audit.delivery_events', 'S'), ('nightcap_auditor', 'reporting.customer_analytics', ''),
           ('nightcap_auditor', 'reporting.report_recipients', 'S'), ('nightcap_auditor', 'reporting.scheduled_jobs', 'S'),
           ('nightcap_auditor', 'venue.customers', ''), ('nightcap_auditor', 'venue.payments', ''),
           ('nightcap_manager', 'audit.delivery_events', ''), ('nightcap_manager', 'reporting.customer_analytics', 'S'),
           ('nightcap_manager', 'reporting.report_recipients', 'S'), ('nightcap_manager', 'reporting.scheduled_jobs', 'S'),
           ('nightcap_manager', 'venue.customers', 'S'), ('nightcap_manager', 'venue.payments', 'S'),
           ('nightcap_staff', 'audit.delivery_events', ''), ('nightcap_staff', 'reporting.customer_analytics', ''),
           ('nightcap_staff', 'reporting.report_recipients', ''), ('nightcap_staff', 'reporting.scheduled_jobs', ''),
           ('nightcap_staff', 'venue.customers', ''), ('nightcap_staff', 'venue.payments', '')$$,
  'each role''s privileges on customers, payments, recipients, analytics, jobs and the delivery log');
-- And what that means in use: every insert, update and delete of a role
-- without the privilege is refused, whatever rows it names.
SELECT throws_ok(format('SELECT pg_temp.run_as(%L, %L, %L)', r.role, r.who, format(w, t)), '42501', NULL,
                 format('%s: %s', r.role, format(w, t)))
  FROM (VALUES ('nightcap_manager', 'a2'), ('nightcap_staff', 'a3'), ('nightcap_auditor', 'a4')) AS r(role, who),
       unnest(ARRAY['venue.customers', 'venue.payments', 'reporting.report_recipients']) AS t,
       unnest(ARRAY['INSERT INTO %s DEFAULT VALUES', 'UPDATE %s SET organization_id = organization_id',
                    'DELETE FROM %s']) AS w;
SELECT policies_are('venue', 'customers', ARRAY['owner_all', 'members_read', 'members_write'],
  'venue.customers: the owner, members reading, admins writing');
SELECT policies_are('venue', 'payments', ARRAY['owner_all', 'members_read', 'members_write'],
  'venue.payments: the owner, members reading, admins writing');
SELECT policies_are('reporting', 'report_recipients', ARRAY['owner_all', 'members_read', 'members_write'],
  'report recipients: the owner, members reading, admins writing');
SELECT policies_are('reporting', 'customer_analytics', ARRAY['owner_all', 'members_read'],
  'customer analytics: read only, computed by the engine');
SELECT policies_are('audit', 'delivery_events', ARRAY['owner_all', 'members_read'],
  'the delivery log: read only');

-- Configuration: an admin subscribes a recipient through RLS, and the
-- engine's report job follows (its triggers do the bookkeeping as the owner).
SELECT is(pg_temp.as_user('nightcap_admin', 'a1', $$INSERT INTO reporting.report_subscriptions (recipient_id, template_id)
  SELECT 880001, template_id FROM reporting.report_templates WHERE template_key = 'daily_summary' AND status = 'active'$$),
  '1', 'admin A subscribes A''s recipient to the Daily Summary');
DO $$
BEGIN
  PERFORM set_config('nightcap.user_id', pg_temp.u('a1')::text, true);
  SET LOCAL SESSION AUTHORIZATION nightcap_admin;
  INSERT INTO reporting.report_subscriptions (recipient_id, template_id)
  SELECT 880001, template_id FROM reporting.report_templates WHERE template_key = 'daily_summary' AND status = 'active';
  RESET SESSION AUTHORIZATION;
  PERFORM set_config('nightcap.user_id', '', true);
END
$$;
SELECT is((SELECT j.name || ' ' || j.organization_id FROM reporting.report_subscriptions s
             JOIN reporting.scheduled_jobs j USING (job_id) WHERE s.recipient_id = 880001),
  'report:daily_summary ' || pg_temp.a(), 'and the subscription is served by a report job of A');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_manager', 'a2', $$INSERT INTO reporting.report_subscriptions (recipient_id, template_id)
  SELECT 880001, template_id FROM reporting.report_templates WHERE template_key = 'daily_summary' AND status = 'active'$$)$t$, '42501', NULL, 'a manager may not subscribe anyone');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_admin', 'b1', $$INSERT INTO reporting.report_subscriptions (recipient_id, template_id)
  SELECT 880001, template_id FROM reporting.report_templates WHERE template_key = 'daily_summary' AND status = 'active'$$)$t$, '23503', NULL, 'admin B cannot subscribe A''s recipient: to B it does not exist (23503)');

-- The audit log: auditors and admins read their organization's events; nobody changes it.
SELECT is(pg_temp.as_user('nightcap_auditor', 'a4',
  $$SELECT count(*) FROM audit.events WHERE event = 'organization.updated'$$), '1', 'auditor A reads A''s event only');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_manager', 'a2', 'SELECT count(*) FROM audit.events')$t$, '42501', NULL, 'managers do not read the audit log');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_auditor', 'a4', 'DELETE FROM audit.events')$t$, '42501', NULL, 'auditors cannot delete it');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_admin', 'a1', $$INSERT INTO audit.events (organization_id, actor, event, object_type)
  VALUES ('00000000-0000-4000-8000-0000000a0001', 'me', 'report.downloaded', 'report')$$)$t$, '42501', NULL, 'nor can an admin forge an event');

-- api functions check the caller's membership before acting.
SELECT is(pg_temp.as_user('nightcap_manager', 'a2',
  $$SELECT (api.generate_report('daily_summary', '00000000-0000-4000-8000-0000000a0001', '2026-05-08', '2026-05-08') > 0)::text$$),
  'true', 'manager A generates a report of A');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_manager', 'a2',
  $$SELECT api.generate_report('daily_summary', '00000000-0000-4000-8000-0000000b0001', '2026-05-08', '2026-05-08')::text$$)$t$, '42501', NULL, 'manager A generating B''s report: 42501');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_manager', NULL,
  $$SELECT api.generate_report('daily_summary', '00000000-0000-4000-8000-0000000a0001', '2026-05-08', '2026-05-08')::text$$)$t$, '42501', NULL, 'nobody signed in: 42501');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_admin', 'a1',
  $$SELECT (api.activate_report_template('00000000-0000-4000-8000-0000000b0001', 'daily_summary', 1)).status$$)$t$, '42501', NULL, 'admin A activating B''s template: 42501');
SELECT is(pg_temp.as_user('nightcap_renderer', NULL, 'SELECT count(*) FROM api.claim_reports(''tenancy-test'', 10)'),
  '2', 'the renderer claims both organizations'' reports through the api');
SELECT is(pg_temp.as_user('nightcap_renderer', NULL, 'SELECT waiting::text FROM api.render_queue_depth()'),
  '2', 'and counts the queue');
SELECT throws_ok($t$SELECT pg_temp.run_as('nightcap_renderer', NULL, $$SELECT api.tick()::text$$)$t$, '42501', NULL, 'but may not tick');

SELECT * FROM finish();
ROLLBACK;
