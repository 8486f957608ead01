-- Alert notifications: KPI alert state with hysteresis (api.evaluate_kpi_value,
-- api.evaluate_kpi_alerts), job alert events, and their notifications to the
-- organization's admins through report_delivery_history. Expectations are
-- fixed by hand from the rows written here.
BEGIN;
SELECT plan(51);

-- Organization A: venue The Backroom. Admins: a1 (a recipient with email and
-- webhook), a2 (a recipient who withdrew consent), a3 (no recipient: not
-- reachable). A manager m1 has a recipient too, and is no admin. Organization
-- B has an admin with a recipient: none of A's alerts go there.
INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-0000000e0a01', 'Alert Org', 'alert-org'),
  ('00000000-0000-4000-8000-0000000e0b01', 'Other Org', 'alert-other');
CREATE FUNCTION pg_temp.a() RETURNS uuid LANGUAGE sql AS $$ SELECT '00000000-0000-4000-8000-0000000e0a01'::uuid $$;
CREATE FUNCTION pg_temp.b() RETURNS uuid LANGUAGE sql AS $$ SELECT '00000000-0000-4000-8000-0000000e0b01'::uuid $$;
CREATE FUNCTION pg_temp.u(text) RETURNS uuid LANGUAGE sql AS $$
  SELECT ('00000000-0000-4000-8000-0000000e' || $1 || '00')::uuid $$;
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) VALUES
  (pg_temp.a(), 940001, 'The Backroom', 'the-backroom', 850),
  (pg_temp.a(), 940002, 'The Annexe', 'the-annexe', 200),
  (pg_temp.b(), 940003, 'Elsewhere', 'elsewhere', 100);
INSERT INTO venue.memberships (organization_id, user_id, role) VALUES
  (pg_temp.a(), pg_temp.u('a1'), 'admin'),
  (pg_temp.a(), pg_temp.u('a2'), 'admin'),
  (pg_temp.a(), pg_temp.u('a3'), 'admin'),
  (pg_temp.a(), pg_temp.u('c1'), 'manager'),
  (pg_temp.b(), pg_temp.u('b2'), 'admin');
INSERT INTO reporting.report_recipients
  (organization_id, recipient_id, user_id, name, email, role, preferred_channels, webhook_url, consent_given_at,
   consent_withdrawn_at) VALUES
  (pg_temp.a(), 950001, pg_temp.u('a1'), 'Ada Admin', 'ada@alert.example', 'owner', '{email,webhook,dashboard}',
   'https://hooks.alert.example/in', '2026-01-01', NULL),
  (pg_temp.a(), 950002, pg_temp.u('a2'), 'Bo Admin', 'bo@alert.example', 'owner', '{email}', NULL, '2026-01-01',
   '2026-02-01'),
  (pg_temp.a(), 950003, pg_temp.u('c1'), 'Max Manager', 'max@alert.example', 'manager', '{email}', NULL,
   '2026-01-01', NULL),
  (pg_temp.a(), 950004, NULL, 'Unlinked', 'nobody@alert.example', 'owner', '{email}', NULL, '2026-01-01', NULL),
  (pg_temp.b(), 950005, pg_temp.u('b2'), 'Bea Other', 'bea@other.example', 'owner', '{email}', NULL,
   '2026-01-01', NULL);
-- Average spend per head: higher is better, warning below 40, critical below 30 (the catalog's).
SELECT is((SELECT (warning_threshold, critical_threshold, alert_after_breaches)::text FROM reporting.kpi_definitions
            WHERE organization_id = pg_temp.a() AND code = 'average_spend_per_head'),
  '(40.0000,30.0000,2)', 'average spend per head: warning 40, critical 30, alert after 2 breaches by default');

-- Bad input.
SELECT throws_ok($$UPDATE reporting.kpi_definitions SET alert_after_breaches = 0
                    WHERE organization_id = pg_temp.a() AND code = 'average_spend_per_head'$$,
  '23514', NULL, 'alert_after_breaches below 1: 23514');
SELECT throws_ok($$SELECT api.evaluate_kpi_value(pg_temp.a(), 940001, 'beer_per_minute', '2026-05-01', 1)$$,
  'P0002', NULL, 'an unknown KPI: P0002');
SELECT throws_ok($$SELECT api.evaluate_kpi_value(pg_temp.a(), 940003, 'average_spend_per_head', '2026-05-01', 1)$$,
  'P0002', NULL, 'another organization''s venue: P0002');
SELECT throws_ok($$SELECT api.evaluate_kpi_value(pg_temp.a(), 940001, 'average_spend_per_head', NULL, 1)$$,
  '22004', NULL, 'no business date: 22004');
SELECT throws_ok($$SELECT * FROM api.evaluate_kpi_alerts(pg_temp.a(), '2026-05-02', '2026-05-01')$$,
  '22023', NULL, 'a period ending before it starts: 22023');
SELECT throws_ok($$UPDATE reporting.report_recipients SET user_id = pg_temp.u('b2') WHERE recipient_id = 950004$$,
  '23503', NULL, 'a recipient linked to someone who is not a member of its organization: 23503');
SELECT throws_ok($$UPDATE reporting.report_recipients SET user_id = pg_temp.u('a1') WHERE recipient_id = 950004$$,
  '23505', NULL, 'a member has one recipient: 23505');

-- ok, breach, ok, breach, breach: with N = 2 only the fifth raises.
CREATE FUNCTION pg_temp.eval(p_day date, p_value numeric, p_code text DEFAULT 'average_spend_per_head',
                             p_venue bigint DEFAULT 940001) RETURNS text
LANGUAGE sql AS $$ SELECT api.evaluate_kpi_value(pg_temp.a(), p_venue, p_code, p_day, p_value) $$;
SELECT is(ARRAY[pg_temp.eval('2026-05-01', 45), pg_temp.eval('2026-05-02', 35), pg_temp.eval('2026-05-03', 45),
                pg_temp.eval('2026-05-04', 35), pg_temp.eval('2026-05-05', 35)],
  '{unchanged,unchanged,unchanged,unchanged,raised}',
  'ok, breach, ok, breach, breach: the second consecutive breach raises, the lone one before did not');
SELECT is(pg_temp.eval('2026-05-05', 35), 'already_evaluated', 'the same business date again is no evaluation');
SELECT is(pg_temp.eval('2026-05-03', 10), 'already_evaluated', 'nor is an earlier one');
SELECT is((SELECT (level, breach_streak, critical_streak, last_business_date, raised_on)::text
             FROM reporting.kpi_alert_states WHERE venue_id = 940001 AND code = 'average_spend_per_head'),
  '(warning,2,0,2026-05-05,2026-05-05)', 'the state: a warning raised on the 5th after 2 breaches, counted once');
SELECT results_eq(
  $$SELECT transition, level, business_date, value, threshold, breaches FROM reporting.kpi_alert_events
     WHERE organization_id = pg_temp.a() ORDER BY kpi_alert_event_id$$,
  $$VALUES ('raised'::text, 'warning'::text, '2026-05-05'::date, 35.0000::numeric(16,4), 40.0000::numeric(14,4), 2)$$,
  'exactly one event: raised at warning on the 5th, 35 against 40');

-- Its notifications: a1 by email and webhook, a2 skipped (consent withdrawn);
-- not a3 (no recipient), not the manager, not the unlinked recipient, not B.
SELECT set_eq(
  $$SELECT recipient_id, channel, status, destination, generation_id IS NULL, formats::text
      FROM reporting.report_delivery_history WHERE kpi_alert_event_id IS NOT NULL$$,
  $$VALUES (950001::bigint, 'email', 'queued', 'ada@alert.example', true, '{}'),
           (950001, 'webhook', 'queued', 'https://hooks.alert.example/in', true, '{}'),
           (950002, 'email', 'skipped', 'bo@alert.example', true, '{}')$$,
  'the raise is queued to each admin''s channels, the unconsenting one skipped');
SELECT ok((SELECT skip_reason ~ 'withdrew consent' FROM reporting.report_delivery_history
            WHERE kpi_alert_event_id IS NOT NULL AND recipient_id = 950002),
  'the skip says why, in the words of report deliveries');
SELECT is((SELECT message_id FROM reporting.report_delivery_history
            WHERE kpi_alert_event_id IS NOT NULL AND recipient_id = 950001 AND channel = 'email'),
  format('<alert-kpi-%s.rcpt-950001.email@nightcap>',
         (SELECT kpi_alert_event_id FROM reporting.kpi_alert_events WHERE transition = 'raised' AND venue_id = 940001)),
  'the Message-ID names the alert, recipient and channel');
SELECT is((SELECT alert - 'event_id' - 'occurred_at' FROM reporting.report_delivery_history
            WHERE kpi_alert_event_id IS NOT NULL AND recipient_id = 950001 AND channel = 'email'),
  jsonb_build_object('kind', 'kpi', 'transition', 'raised', 'level', 'warning', 'code', 'average_spend_per_head',
    'kpi_name', 'Average spend per head', 'unit', 'currency', 'direction', 'higher_better', 'value', 35.0000,
    'threshold', 40.0000, 'target', 45.0000, 'warning_threshold', 40.0000, 'critical_threshold', 30.0000,
    'breaches', 2, 'alert_after_breaches', 2, 'venue_id', 940001, 'venue', 'The Backroom',
    'business_date', '2026-05-05', 'timezone', 'Europe/London', 'currency', 'GBP', 'organization', 'Alert Org',
    'organization_slug', 'alert-org'),
  'the notification carries what its message says');
SELECT is(internal.create_alert_deliveries(pg_temp.a(), NULL,
            (SELECT kpi_alert_event_id FROM reporting.kpi_alert_events WHERE transition = 'raised' AND venue_id = 940001),
            '{"kind": "kpi"}'), 0, 'queuing the same alert again writes nothing: once per admin and channel');
SELECT is((SELECT count(*)::int FROM audit.events WHERE event = 'alert.unrouted'), 0,
  'and it is not unrouted: it was routed the first time');
-- A rule whose channels no admin has (b2 takes email only): nobody to tell,
-- which the audit log says rather than dropping the alert in silence.
SELECT is(internal.create_alert_deliveries(pg_temp.b(), NULL, NULL,
            '{"kind": "kpi", "level": "critical", "transition": "raised"}', '{slack}'), 0,
  'an alert nobody can be sent writes no delivery');
SELECT is((SELECT details FROM audit.events WHERE event = 'alert.unrouted' AND organization_id = pg_temp.b()),
  '{"reason": "no admin of the organization has a linked report recipient with a message channel among the rule''s", "channels": ["slack"], "level": "critical", "transition": "raised"}'::jsonb,
  'alert.unrouted is audited with the reason');
SELECT internal.create_alert_deliveries(pg_temp.b(), NULL, NULL,
         '{"kind": "kpi", "level": "critical", "transition": "raised"}', '{slack}');
SELECT is((SELECT count(*)::int FROM audit.events WHERE event = 'alert.unrouted' AND organization_id = pg_temp.b()), 1,
  'once per alert: asked again, nothing more is audited');

-- Critical twice escalates; warning after critical stays critical; on target clears.
SELECT is(ARRAY[pg_temp.eval('2026-05-06', 25), pg_temp.eval('2026-05-07', 25), pg_temp.eval('2026-05-08', 35),
                pg_temp.eval('2026-05-09', 45)],
  '{unchanged,escalated,unchanged,cleared}',
  'critical, critical escalates; warning keeps it critical; one value on target clears');
SELECT results_eq(
  $$SELECT transition, level, business_date, value, threshold, breaches FROM reporting.kpi_alert_events
     WHERE organization_id = pg_temp.a() AND transition <> 'raised' ORDER BY kpi_alert_event_id$$,
  $$VALUES ('escalated'::text, 'critical'::text, '2026-05-07'::date, 25.0000::numeric(16,4), 30.0000::numeric(14,4), 2),
           ('cleared', 'critical', '2026-05-09', 45.0000, 40.0000, 0)$$,
  'the escalation (25 against 30, 2 critical nights) and the clear (45, back within 40)');
SELECT is((SELECT (level, breach_streak, critical_streak, raised_at IS NULL, cleared_at IS NOT NULL)::text
             FROM reporting.kpi_alert_states WHERE venue_id = 940001 AND code = 'average_spend_per_head'),
  '(none,0,0,t,t)', 'cleared: no level, no streaks');
SELECT is((SELECT count(*) FROM reporting.report_delivery_history d JOIN reporting.kpi_alert_events e
             USING (organization_id, kpi_alert_event_id)
            WHERE e.transition IN ('escalated', 'cleared') AND d.status = 'queued'), 4::bigint,
  'the escalation and the clear are each notified to a1 by email and webhook');
SELECT is(pg_temp.eval('2026-05-10', NULL), 'no_value', 'a night without the figure is no evaluation');
SELECT is(ARRAY[pg_temp.eval('2026-05-11', 35), pg_temp.eval('2026-05-12', 45), pg_temp.eval('2026-05-13', 20),
                pg_temp.eval('2026-05-14', 45), pg_temp.eval('2026-05-15', 35)],
  '{unchanged,unchanged,unchanged,unchanged,unchanged}', 'a value flapping around the threshold raises nothing');
SELECT is((SELECT count(*) FROM reporting.kpi_alert_events WHERE organization_id = pg_temp.a()), 3::bigint,
  'three events in all: raised, escalated, cleared');
UPDATE reporting.kpi_definitions SET alert_after_breaches = 1 WHERE organization_id = pg_temp.a() AND code = 'average_rating';
SELECT is(pg_temp.eval('2026-05-01', 2.9, 'average_rating'), 'raised', 'with N = 1 one breach raises');
SELECT is((SELECT level FROM reporting.kpi_alert_events WHERE code = 'average_rating'), 'critical',
  '2.9 against a critical threshold of 3.5: raised at critical at once');
SELECT set_eq(
  $$SELECT event, object_type, count(*) FROM audit.events WHERE organization_id = pg_temp.a() AND event LIKE 'alert.%'
     GROUP BY 1, 2$$,
  $$VALUES ('alert.raised', 'kpi_alert_event', 2::bigint), ('alert.escalated', 'kpi_alert_event', 1),
           ('alert.cleared', 'kpi_alert_event', 1), ('alert.notification_skipped', 'alert_notification', 4)$$,
  'the audit log has each raise, escalation and clear, and each skipped notification');

-- From the daily aggregations: the Annexe's spend per head on three nights.
UPDATE reporting.kpi_definitions SET is_enabled = (code = 'average_spend_per_head') WHERE organization_id = pg_temp.a();
INSERT INTO reporting.daily_aggregations (organization_id, venue_id, business_date, gross_revenue, net_revenue, check_ins, bookings_total)
VALUES (pg_temp.a(), 940002, '2026-05-01', 5000, 5000, 100, 10),
       (pg_temp.a(), 940002, '2026-05-02', 3000, 3000, 100, 10),
       (pg_temp.a(), 940002, '2026-05-03', 3500, 3500, 100, 10);
SELECT results_eq(
  $$SELECT code, business_date, value, outcome FROM api.evaluate_kpi_alerts(pg_temp.a(), '2026-05-01', '2026-05-04', 940002)$$,
  $$VALUES ('average_spend_per_head'::text, '2026-05-01'::date, 50.00::numeric, 'unchanged'::text),
           ('average_spend_per_head', '2026-05-02', 30.00, 'unchanged'),
           ('average_spend_per_head', '2026-05-03', 35.00, 'raised')$$,
  'api.evaluate_kpi_alerts: each trading day in order, 50 then 30 and 35 raise on the 3rd; the 4th did not trade');
SELECT is((SELECT count(*) FROM api.evaluate_kpi_alerts(pg_temp.a(), '2026-05-01', '2026-05-03', 940002)
            WHERE outcome <> 'already_evaluated'), 0::bigint, 'evaluating the same days again counts nothing');

-- A job failure alert: a job of A fails for good under a failure rule.
UPDATE reporting.job_runs SET status = 'cancelled' WHERE status IN ('waiting', 'queued');
INSERT INTO reporting.scheduled_jobs (organization_id, name, job_type, cron_expression, timezone, enabled, max_attempts, payload)
VALUES (pg_temp.a(), 'alert_bad_sql', 'sql', '0 4 * * *', 'UTC', false, 1, '{"sql": "SELECT 1 / 0"}');
INSERT INTO reporting.job_alerts (organization_id, job_id, name, alert_type)
SELECT pg_temp.a(), job_id, 'bad sql failed', 'failure' FROM reporting.scheduled_jobs WHERE name = 'alert_bad_sql';
SELECT api.enqueue_run(job_id, '2026-06-01 04:00Z') FROM reporting.scheduled_jobs WHERE name = 'alert_bad_sql';
SELECT is((SELECT status FROM api.work(10) LIMIT 1), 'failed', 'the job fails for good');
SELECT set_eq(
  $$SELECT d.recipient_id, d.channel, d.status, d.alert ->> 'level' AS level, d.alert ->> 'job_name' AS job_name
      FROM reporting.report_delivery_history d WHERE d.job_alert_event_id IS NOT NULL$$,
  $$VALUES (950001::bigint, 'email', 'queued', 'critical', 'alert_bad_sql'),
           (950001, 'webhook', 'queued', 'critical', 'alert_bad_sql'),
           (950002, 'email', 'skipped', 'critical', 'alert_bad_sql')$$,
  'the failure is notified once to every admin with a contact, on each of their channels');
SELECT api.enqueue_run(job_id, '2026-06-02 04:00Z') FROM reporting.scheduled_jobs WHERE name = 'alert_bad_sql';
SELECT is((SELECT status FROM api.work(10) LIMIT 1), 'failed', 'it fails again within the grace period');
SELECT is((SELECT count(*) FROM reporting.report_delivery_history WHERE job_alert_event_id IS NOT NULL), 3::bigint,
  'the second failure is counted into the open event and notifies nobody again');

-- The sender's side: the same claim, lease and record as reports.
UPDATE reporting.report_delivery_history SET status = 'failed', next_attempt_at = NULL, failed_at = now()
 WHERE status = 'queued' AND job_alert_event_id IS NULL;
CREATE TEMP TABLE c AS SELECT * FROM api.claim_deliveries('alert-sender', 10, '1 minute', '{email,webhook}');
SELECT is((SELECT count(*) FROM c WHERE report IS NULL AND alert ->> 'kind' = 'job'), 2::bigint,
  'the sender claims the job alert''s two notifications, with their alert and no report');
SELECT is(api.record_delivery((SELECT delivery_id FROM c WHERE channel = 'email'), 'alert-sender', 'sent', 'outbox'),
  'sent', 'the email is recorded sent');
SELECT ok((SELECT notified_at IS NOT NULL FROM reporting.job_alert_events e JOIN reporting.job_alerts a USING (alert_id)
            WHERE a.name = 'bad sql failed'), 'the job alert event is notified');
SELECT is(api.record_delivery((SELECT delivery_id FROM c WHERE channel = 'webhook'), 'alert-sender', 'deferred', 'webhook',
                              NULL, 'no answer from the webhook'), 'deferred', 'the webhook did not answer: deferred');
SELECT ok((SELECT next_attempt_at BETWEEN clock_timestamp() + interval '50 seconds' AND clock_timestamp() + interval '70 seconds'
             FROM reporting.report_delivery_history WHERE delivery_id = (SELECT delivery_id FROM c WHERE channel = 'webhook')),
  'and retried a minute later, as a report''s would be');
SELECT is((SELECT count(*) FROM api.claim_deliveries('alert-sender-2', 10)), 0::bigint,
  'nothing is due again: the sent one never, the deferred one not yet');
SELECT is((SELECT count(*) FROM audit.events WHERE organization_id = pg_temp.a() AND event = 'alert.notified'), 1::bigint,
  'the sent notification is in the audit log as alert.notified');

-- Row-level security: admins, managers and auditors read; nobody writes.
SET LOCAL ROLE nightcap_manager;
SELECT set_config('nightcap.user_id', pg_temp.u('c1')::text, true);
SELECT is((SELECT count(*) FROM reporting.kpi_alert_events), 5::bigint, 'a manager of A reads A''s KPI alert events (three of the Backroom''s spend, its rating''s, the Annexe''s)');
SELECT is((SELECT count(*) FROM reporting.kpi_alert_states WHERE level <> 'none'), 2::bigint,
  'and the states of its open alerts');
SELECT throws_ok($$UPDATE reporting.kpi_alert_states SET level = 'none'$$, '42501', NULL,
  'a manager cannot change an alert''s state');
RESET ROLE;
SET LOCAL ROLE nightcap_admin;
SELECT set_config('nightcap.user_id', pg_temp.u('b2')::text, true);
SELECT is((SELECT count(*) FROM reporting.kpi_alert_events), 0::bigint, 'B''s admin sees none of A''s alerts');
SELECT throws_ok($$INSERT INTO reporting.kpi_alert_events (organization_id, venue_id, code, business_date, transition,
                     level, value, threshold, breaches)
                   VALUES (pg_temp.b(), 940003, 'daily_revenue', '2026-05-01', 'raised', 'warning', 1, 1, 1)$$,
  '42501', NULL, 'not even an admin writes an alert event');
RESET ROLE;

-- The nightly job.
SELECT is((SELECT j.payload::text FROM reporting.scheduled_jobs j
             JOIN reporting.job_dependencies d ON d.child_job_id = j.job_id
             JOIN reporting.scheduled_jobs p ON p.job_id = d.parent_job_id
            WHERE j.organization_id IS NULL AND j.name = 'kpi_alerts' AND p.name = 'daily_aggregations'),
  '{"task": "kpi_alerts"}', 'the kpi_alerts system job runs after daily_aggregations');

SELECT * FROM finish();
ROLLBACK;
