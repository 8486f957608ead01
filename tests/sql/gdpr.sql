-- GDPR: the retention policy (internal.apply_retention, the apply_retention
-- job), the file-expiry API the renderer deletes by (api.claim_expired_files,
-- api.files_deleted) and the right to erasure (api.erase_customer).
-- Two organizations: Thirty Club keeps 30 days, Ninety Club the default 90.
BEGIN;
SELECT plan(49);

INSERT INTO venue.organizations (organization_id, name, slug, retention_days)
VALUES ('00000000-0000-4000-8000-00000000d301', 'Thirty Club', 'thirty-club', 30),
       ('00000000-0000-4000-8000-00000000d302', 'Ninety Club', 'ninety-club', 90);
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity)
VALUES ('00000000-0000-4000-8000-00000000d301', 930001, 'Vault', 'vault', 300),
       ('00000000-0000-4000-8000-00000000d302', 930002, 'Loft', 'loft', 300);
INSERT INTO reporting.report_recipients (organization_id, recipient_id, name, email, role)
VALUES ('00000000-0000-4000-8000-00000000d301', 930001, 'Ops', 'ops@thirty.example', 'manager');

-- A report of the organization's Daily Summary, requested p_age ago.
CREATE FUNCTION pg_temp.report(p_org uuid, p_age interval, p_status text, p_snapshot jsonb DEFAULT '{"sections": []}')
RETURNS bigint LANGUAGE sql AS $$
  INSERT INTO reporting.report_generation_history AS h
         (organization_id, template_id, template_key, template_version, period_start, period_end, timezone,
          formats, status, request_key, requested_by, requested_at, snapshot, files, completed_at, failed_at,
          error_message, render_worker, lease_expires_at, render_attempts)
  SELECT p_org, t.template_id, t.template_key, t.version, current_date - 1, current_date - 1, 'Europe/London',
         '{html,pdf}', p_status, md5(random()::text), 'test', now() - p_age, p_snapshot,
         CASE WHEN p_status = 'completed' THEN jsonb_build_array(
           jsonb_build_object('format', 'html', 'key', format('t/%s/a.html', md5(random()::text)), 'bytes', 1),
           jsonb_build_object('format', 'pdf', 'key', format('t/%s/a.pdf', md5(random()::text)), 'bytes', 1))
         ELSE '[]' END,
         CASE WHEN p_status = 'completed' THEN now() - p_age END,
         CASE WHEN p_status = 'failed' THEN now() - p_age END,
         CASE WHEN p_status = 'failed' THEN 'boom' END,
         CASE WHEN p_status = 'rendering' THEN 'renderer-1' END,
         CASE WHEN p_status = 'rendering' THEN now() + interval '1 minute' END,
         CASE WHEN p_status = 'rendering' THEN 1 ELSE 0 END
    FROM reporting.report_templates t
   WHERE t.organization_id = p_org AND t.template_key = 'daily_summary' AND t.status = 'active'
  RETURNING h.generation_id
$$;
CREATE FUNCTION pg_temp.delivery(p_org uuid, p_generation bigint, p_age interval, p_status text)
RETURNS bigint LANGUAGE sql AS $$
  INSERT INTO reporting.report_delivery_history AS d
         (organization_id, generation_id, recipient_id, channel, destination, status, message_id, queued_at,
          last_error, next_attempt_at)
  VALUES (p_org, p_generation, 930001, 'email', 'ops@thirty.example', p_status, md5(random()::text),
          now() - p_age, '550 ops@thirty.example mailbox full', CASE WHEN p_status = 'deferred' THEN now() END)
  RETURNING d.delivery_id
$$;

CREATE TEMP TABLE r (name text PRIMARY KEY, id bigint);
INSERT INTO r VALUES
  ('a_old',       pg_temp.report('00000000-0000-4000-8000-00000000d301', '40 days', 'completed')),
  ('a_recent',    pg_temp.report('00000000-0000-4000-8000-00000000d301', '10 days', 'completed')),
  ('a_unsent',    pg_temp.report('00000000-0000-4000-8000-00000000d301', '40 days', 'completed')),
  ('a_rendering', pg_temp.report('00000000-0000-4000-8000-00000000d301', '40 days', 'rendering')),
  ('a_failed',    pg_temp.report('00000000-0000-4000-8000-00000000d301', '40 days', 'failed')),
  ('b_40',        pg_temp.report('00000000-0000-4000-8000-00000000d302', '40 days', 'completed')),
  ('b_100',       pg_temp.report('00000000-0000-4000-8000-00000000d302', '100 days', 'completed'));
CREATE TEMP TABLE d (name text PRIMARY KEY, id bigint);
INSERT INTO d VALUES
  ('old_delivered', pg_temp.delivery('00000000-0000-4000-8000-00000000d301', (SELECT id FROM r WHERE name = 'a_old'), '40 days', 'delivered')),
  ('old_deferred',  pg_temp.delivery('00000000-0000-4000-8000-00000000d301', (SELECT id FROM r WHERE name = 'a_unsent'), '40 days', 'deferred')),
  ('recent_sent',   pg_temp.delivery('00000000-0000-4000-8000-00000000d301', (SELECT id FROM r WHERE name = 'a_recent'), '10 days', 'sent'));

-- Retention ----------------------------------------------------------------

SELECT is(internal.apply_retention('00000000-0000-4000-8000-00000000d301', now()) - 'organizations',
  '{"reports_expired": 2, "snapshots_removed": 2, "files_expired": 2, "deliveries_redacted": 1}'::jsonb,
  'Thirty Club: the finished report and the failed one older than 30 days expire; one delivery is redacted');
SELECT is(internal.apply_retention('00000000-0000-4000-8000-00000000d302', now()) - 'organizations',
  '{"reports_expired": 1, "snapshots_removed": 1, "files_expired": 2, "deliveries_redacted": 0}'::jsonb,
  'Ninety Club: only the report older than its 90 days expires');

SELECT set_eq(
  $$SELECT r.name, h.snapshot IS NULL AS no_snapshot, h.expires_at IS NOT NULL AS expired, h.files_expiry_reason, h.status
      FROM r JOIN reporting.report_generation_history h ON h.generation_id = r.id$$,
  $$VALUES ('a_old', true, true, 'retention', 'completed'),
           ('a_recent', false, false, NULL::text, 'completed'),
           ('a_unsent', false, false, NULL, 'completed'),
           ('a_rendering', false, false, NULL, 'rendering'),
           ('a_failed', true, true, NULL, 'failed'),
           ('b_40', false, false, NULL, 'completed'),
           ('b_100', true, true, 'retention', 'completed')$$,
  'exactly the expired reports lose their snapshot and have their files marked; unsent, rendering and recent ones stay');
SELECT is((SELECT h.summary IS NOT NULL AND h.files <> '[]' AND h.completed_at IS NOT NULL
             FROM reporting.report_generation_history h JOIN r ON r.id = h.generation_id AND r.name = 'a_old'),
  true, 'an expired report keeps its row, summary, times and file list');
SELECT set_eq(
  $$SELECT d.name, x.destination, x.last_error, x.redacted_at IS NOT NULL AS redacted, x.status
      FROM d JOIN reporting.report_delivery_history x ON x.delivery_id = d.id$$,
  $$VALUES ('old_delivered', NULL::text, 'removed by the retention policy', true, 'delivered'),
           ('old_deferred', 'ops@thirty.example', '550 ops@thirty.example mailbox full', false, 'deferred'),
           ('recent_sent', 'ops@thirty.example', '550 ops@thirty.example mailbox full', false, 'sent')$$,
  'an old finished delivery loses its address and error text, keeps its status; one still to retry keeps everything');
SELECT results_eq(
  $$SELECT e.event, e.object_type, (e.details ->> 'reports_expired')::int, (e.details ->> 'files_expired')::int,
           (e.details ->> 'deliveries_redacted')::int, (e.details ->> 'retention_days')::int
      FROM audit.events e WHERE e.organization_id = '00000000-0000-4000-8000-00000000d301'
       AND e.event = 'retention.completed'$$,
  $$VALUES ('retention.completed', 'organization', 2, 2, 1, 30)$$,
  'the run is in the audit log with what it removed');
SELECT is((SELECT count(*)::int FROM audit.events e
            WHERE e.organization_id = '00000000-0000-4000-8000-00000000d302' AND e.event = 'retention.completed'),
  1, 'each organization''s run is audited');
-- The audit log is append-only: what it copied of the deliveries' errors
-- must not name the recipient, or retention could never remove it. (The
-- recipient's own configuration events, recipient.added and the like, name
-- them on purpose: who was sent an organization's reports.)
SELECT is((SELECT count(*)::int FROM audit.delivery_events e
            WHERE e.organization_id = '00000000-0000-4000-8000-00000000d301'
              AND e.details::text LIKE '%thirty.example%')
        + (SELECT count(*)::int FROM audit.events e
            WHERE e.organization_id = '00000000-0000-4000-8000-00000000d301'
              AND e.object_type = 'report_delivery' AND e::text LIKE '%thirty.example%'),
  0, 'no delivery''s audit row keeps the address the mail server quoted');
SELECT is((SELECT array_agg(DISTINCT e.details ->> 'error') FROM audit.delivery_events e
            WHERE e.organization_id = '00000000-0000-4000-8000-00000000d301' AND e.details ? 'error'),
  ARRAY['550 <address> mailbox full'], 'the error itself is kept, without the address');
SELECT is(internal.apply_retention('00000000-0000-4000-8000-00000000d301', now()),
  '{"reports_expired": 0, "snapshots_removed": 0, "files_expired": 0, "deliveries_redacted": 0, "organizations": []}'::jsonb,
  'a second run removes nothing more');

-- Once its last delivery ends, the unsent report goes at the next run.
UPDATE reporting.report_delivery_history SET status = 'failed', next_attempt_at = NULL
 WHERE delivery_id = (SELECT id FROM d WHERE name = 'old_deferred');
SELECT is((internal.apply_retention('00000000-0000-4000-8000-00000000d301', now()) ->> 'reports_expired')::int, 1,
  'a report whose delivery has ended expires at the next run');

-- The job: a maintenance task on the system calendar, its result carrying the counts.
SELECT ok(EXISTS (SELECT FROM internal.job_tasks() WHERE task = 'apply_retention' AND job_type = 'maintenance'),
  'apply_retention is a maintenance task');
SELECT is((SELECT internal.run_job(j, now()) ->> 'task' FROM reporting.scheduled_jobs j
            WHERE j.organization_id IS NULL AND j.name = 'apply_retention'),
  'apply_retention', 'the seeded apply_retention job runs through internal.run_job');
SELECT is((SELECT j.timezone || ' ' || j.cron_expression FROM reporting.scheduled_jobs j
            WHERE j.organization_id IS NULL AND j.name = 'apply_retention'),
  'Europe/London 30 3 * * *', 'retention runs daily at 03:30 London time');

-- A new snapshot may not reuse, nor re-issue, one retention removed.
SELECT is((SELECT count(*)::int FROM reporting.report_generation_history h
            WHERE h.status = 'completed' AND h.snapshot IS NULL AND h.expires_at IS NULL),
  0, 'no completed report lacks its snapshot unless it expired');
SELECT throws_ok(
  format($$UPDATE reporting.report_generation_history SET snapshot = NULL WHERE generation_id = %s$$,
         (SELECT id FROM r WHERE name = 'a_recent')),
  '23514', NULL, 'a kept completed report cannot lose its snapshot by hand');

-- Deleting the files: claim, delete, record ---------------------------------

CREATE TEMP TABLE claimed AS
  SELECT * FROM api.claim_expired_files('renderer-1', 1000)
   WHERE generation_id IN (SELECT id FROM r);
SELECT set_eq($$SELECT generation_id, reason, jsonb_array_length(files) FROM claimed$$,
  $$SELECT id, 'retention' AS reason, 2 AS files FROM r WHERE name IN ('a_old', 'a_unsent', 'b_100')$$,
  'the daemon claims the reports whose files expired, with their keys');
SELECT is((SELECT count(*)::int FROM api.claim_expired_files('renderer-2', 1000) WHERE generation_id IN (SELECT id FROM r)),
  0, 'another daemon does not get them while the lease holds');
SELECT isnt(api.files_deleted((SELECT id FROM r WHERE name = 'a_old'), 'renderer-1'), NULL,
  'the daemon records the files deleted');
SELECT is(api.files_deleted((SELECT id FROM r WHERE name = 'a_old'), 'renderer-1'),
  (SELECT files_deleted_at FROM reporting.report_generation_history WHERE generation_id = (SELECT id FROM r WHERE name = 'a_old')),
  'recording it again changes nothing');
SELECT throws_ok(format($$SELECT api.files_deleted(%s, 'renderer-2')$$, (SELECT id FROM r WHERE name = 'b_100')),
  '55000', NULL, 'a daemon not holding the files cannot record them deleted');
SELECT throws_ok(format($$SELECT api.files_deleted(%s, 'renderer-1')$$, (SELECT id FROM r WHERE name = 'a_recent')),
  '55000', NULL, 'files that have not expired cannot be recorded deleted');
SELECT throws_ok($$SELECT api.files_deleted(-1, 'renderer-1')$$, 'P0002', NULL, 'an unknown report: P0002');
SELECT throws_ok($$SELECT api.files_deleted(NULL, 'renderer-1')$$, '22004', NULL, 'no report: 22004');
SELECT throws_ok($$SELECT * FROM api.claim_expired_files(NULL)$$, '22004', NULL, 'no worker: 22004');
SELECT ok(has_function_privilege('nightcap_renderer', 'api.claim_expired_files(text,integer,interval)', 'EXECUTE')
          AND has_function_privilege('nightcap_renderer', 'api.files_deleted(bigint,text)', 'EXECUTE')
          AND NOT has_function_privilege('nightcap_admin', 'api.files_deleted(bigint,text)', 'EXECUTE'),
  'the renderer, and only it, may claim and record expired files');

-- Erasure -------------------------------------------------------------------

INSERT INTO venue.customers (organization_id, customer_id, first_name, last_name, email, phone, date_of_birth,
                             is_vip, marketing_consent, marketing_consent_given_at)
VALUES ('00000000-0000-4000-8000-00000000d301', 930001, 'Sarah', 'Kettleworth', 'sarah.k@example.com',
        '+44 7700 900123', '1990-04-02', true, true, '2026-01-05'),
       ('00000000-0000-4000-8000-00000000d301', 930002, 'Tom', 'Brightside', 'tom.b@example.com', NULL, NULL,
        false, false, NULL),
       ('00000000-0000-4000-8000-00000000d302', 930003, 'Other', 'Club', NULL, NULL, NULL, false, false, NULL);
INSERT INTO venue.bookings (organization_id, booking_id, venue_id, customer_id, party_size, status, arrives_at, notes)
VALUES ('00000000-0000-4000-8000-00000000d301', 930001, 930001, 930001, 4, 'completed', now() - interval '3 days',
        'Sarah Kettleworth''s birthday, nut allergy'),
       ('00000000-0000-4000-8000-00000000d301', 930002, 930001, 930002, 2, 'completed', now() - interval '3 days', NULL);
INSERT INTO venue.payments (organization_id, payment_id, venue_id, booking_id, customer_id, kind, amount, provider, paid_at)
VALUES ('00000000-0000-4000-8000-00000000d301', 930001, 930001, 930001, 930001, 'table', 450.00, 'stripe', now() - interval '3 days'),
       ('00000000-0000-4000-8000-00000000d301', 930002, 930001, 930002, 930002, 'bar', 80.00, 'stripe', now() - interval '3 days');
INSERT INTO venue.feedback (organization_id, venue_id, booking_id, customer_id, rating, comment)
VALUES ('00000000-0000-4000-8000-00000000d301', 930001, 930001, 930001, 5, 'Ask for Sarah next time');
SELECT api.process_customer_analytics('00000000-0000-4000-8000-00000000d301', current_date);
SELECT api.refresh_summary_views(ARRAY['top_customers_view']);

CREATE TEMP TABLE k AS
  SELECT internal.customer_key('00000000-0000-4000-8000-00000000d301', 930001) AS sarah,
         internal.customer_key('00000000-0000-4000-8000-00000000d301', 930002) AS tom;
CREATE TEMP TABLE money AS
  SELECT sum(amount) AS paid, count(*) AS n FROM venue.payments WHERE organization_id = '00000000-0000-4000-8000-00000000d301';

-- Today's top customers name both, each row tagged with the hidden key.
SELECT is((SELECT jsonb_path_query_array(internal.dataset_top_customers('00000000-0000-4000-8000-00000000d301', NULL,
                                           current_date - 10, current_date, '{}'), '$.rows[*]._customer_key')),
  (SELECT jsonb_build_array(sarah, tom) FROM k),
  'top customers rows carry the pseudonymous _customer_key, in rank order');
SELECT is((SELECT jsonb_path_query_array(internal.dataset_top_customers('00000000-0000-4000-8000-00000000d301', NULL,
                                           current_date - 10, current_date, '{}'), '$.columns[*].key')),
  '["rank", "customer", "is_vip", "visits", "spend", "last_visit"]'::jsonb,
  'the key is in no column');

CREATE FUNCTION pg_temp.named_snapshot() RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('sections', jsonb_build_array(
    jsonb_build_object('key', 'kpis', 'type', 'metrics', 'data', '{"metrics": [{"label": "Revenue", "value": 530}]}'::jsonb),
    jsonb_build_object('key', 'top_customers', 'type', 'table', 'data', jsonb_build_object(
      'columns', '[{"key": "rank"}, {"key": "customer"}, {"key": "spend"}]'::jsonb,
      'rows', jsonb_build_array(
        jsonb_build_object('rank', 1, 'customer', 'Sarah K.', 'spend', 450, '_customer_key', k.sarah),
        jsonb_build_object('rank', 2, 'customer', 'Tom B.', 'spend', 80, '_customer_key', k.tom))))))
    FROM k
$$;
INSERT INTO r VALUES
  ('e_completed', pg_temp.report('00000000-0000-4000-8000-00000000d301', '1 day', 'completed', pg_temp.named_snapshot())),
  ('e_ready',     pg_temp.report('00000000-0000-4000-8000-00000000d301', '1 hour', 'data_ready', pg_temp.named_snapshot())),
  ('e_rendering', pg_temp.report('00000000-0000-4000-8000-00000000d301', '1 hour', 'rendering', pg_temp.named_snapshot()));
INSERT INTO reporting.report_render_attempts (organization_id, generation_id, attempt, worker)
SELECT '00000000-0000-4000-8000-00000000d301', id, 1, 'renderer-1' FROM r WHERE name = 'e_rendering';
INSERT INTO d VALUES
  ('e_queued', pg_temp.delivery('00000000-0000-4000-8000-00000000d301', (SELECT id FROM r WHERE name = 'e_completed'), '1 day', 'queued')),
  ('e_sent',   pg_temp.delivery('00000000-0000-4000-8000-00000000d301', (SELECT id FROM r WHERE name = 'e_completed'), '1 day', 'sent'));

SELECT throws_ok($$SELECT api.erase_customer('00000000-0000-4000-8000-00000000d301', NULL)$$,
  '22004', NULL, 'no customer: 22004');
SELECT throws_ok($$SELECT api.erase_customer(NULL, 930001)$$, '22004', NULL, 'no organization: 22004');
SELECT throws_ok($$SELECT api.erase_customer('00000000-0000-4000-8000-00000000d301', 930003)$$,
  'P0002', NULL, 'another organization''s customer: P0002');
SELECT throws_ok($$SELECT api.erase_customer('00000000-0000-4000-8000-00000000d301', -5)$$,
  'P0002', NULL, 'an unknown customer: P0002');
INSERT INTO venue.memberships (organization_id, user_id, role)
VALUES ('00000000-0000-4000-8000-00000000d301', '00000000-0000-4000-8000-0000000d30a1', 'admin'),
       ('00000000-0000-4000-8000-00000000d301', '00000000-0000-4000-8000-0000000d30b1', 'manager');
SET LOCAL nightcap.user_id = '00000000-0000-4000-8000-0000000d30b1';
SELECT throws_ok($$SELECT api.erase_customer('00000000-0000-4000-8000-00000000d301', 930001)$$,
  '42501', NULL, 'a manager may not erase: 42501');
SET LOCAL nightcap.user_id = '00000000-0000-4000-8000-0000000d30a1';
SELECT throws_ok($$SELECT api.erase_customer('00000000-0000-4000-8000-00000000d302', 930003)$$,
  '42501', NULL, 'an admin of another organization may not: 42501');
SELECT ok(has_function_privilege('nightcap_admin', 'api.erase_customer(uuid,bigint)', 'EXECUTE')
          AND NOT has_function_privilege('nightcap_manager', 'api.erase_customer(uuid,bigint)', 'EXECUTE'),
  'admins may call api.erase_customer, managers may not');

-- Before any erasure, a snapshot about to be stored is stored as it was read.
SELECT is(internal.redact_erased_customers('00000000-0000-4000-8000-00000000d301', pg_temp.named_snapshot()),
  pg_temp.named_snapshot(), 'nobody erased: a snapshot is stored as read');

-- The organization's admin erases Sarah.
SELECT is(api.erase_customer('00000000-0000-4000-8000-00000000d301', 930001)
            - 'erased_at' - 'customer_id',
  '{"already_erased": false, "analytics_rows_removed": 1, "reports_redacted": 3, "reports_rendered_again": 1,
    "reports_files_expired": 1, "deliveries_withdrawn": 1, "feedback_comments_removed": 1,
    "booking_notes_removed": 1}'::jsonb,
  'erasure: the analytics row, three snapshots, one render handed back, one report''s files, one unsent delivery');
-- A snapshot read before the erasure (perhaps on a standby) and stored after
-- it: Sarah's row is redacted as it is stored, Tom's kept.
SELECT is(internal.redact_erased_customers('00000000-0000-4000-8000-00000000d301', pg_temp.named_snapshot())
            #> '{sections,1,data,rows}',
  (SELECT jsonb_build_array(jsonb_build_object('rank', 1, 'customer', 'Erased customer', 'spend', 450),
                            jsonb_build_object('rank', 2, 'customer', 'Tom B.', 'spend', 80, '_customer_key', k.tom))
     FROM k),
  'a snapshot read before the erasure and stored after it names the erased customer no more');
SET LOCAL nightcap.user_id = '';

SELECT results_eq(
  $$SELECT first_name, last_name, email, phone, date_of_birth, marketing_consent,
           marketing_consent_withdrawn_at IS NOT NULL AS withdrawn, erased_at IS NOT NULL AS erased, is_vip
      FROM venue.customers WHERE organization_id = '00000000-0000-4000-8000-00000000d301' AND customer_id = 930001$$,
  $$VALUES (NULL::text, NULL::text, NULL::text, NULL::text, NULL::date, false, true, true, true)$$,
  'the customer keeps no name, email, phone or birth date; consent withdrawn; erased_at set');
SELECT results_eq(
  $$SELECT sum(amount), count(*) FROM venue.payments WHERE organization_id = '00000000-0000-4000-8000-00000000d301'$$,
  $$SELECT paid, n FROM money$$,
  'payments are unchanged');
SELECT results_eq(
  $$SELECT customer_id, status, party_size, notes FROM venue.bookings WHERE booking_id = 930001
       AND organization_id = '00000000-0000-4000-8000-00000000d301'$$,
  $$VALUES (930001::bigint, 'completed'::text, 4, NULL::text)$$,
  'the booking stays, only its free-text notes go');
SELECT set_eq(
  $$SELECT customer_key FROM reporting.customer_analytics WHERE organization_id = '00000000-0000-4000-8000-00000000d301'$$,
  $$SELECT tom FROM k$$,
  'the erased customer''s analytics row is gone, the other stays');
SELECT is((SELECT count(*)::int FROM reporting.top_customers_view
            WHERE organization_id = '00000000-0000-4000-8000-00000000d301' AND customer_id = 930001),
  0, 'the top customers view leaves the erased customer out');
SELECT set_eq(
  $$SELECT r.name, s -> 'data' -> 'rows' AS rows
      FROM r JOIN reporting.report_generation_history h ON h.generation_id = r.id
     CROSS JOIN jsonb_array_elements(h.snapshot -> 'sections') s
     WHERE r.name LIKE 'e\_%' AND s ->> 'key' = 'top_customers'$$,
  $$SELECT n, jsonb_build_array(
              '{"rank": 1, "customer": "Erased customer", "spend": 450}'::jsonb,
              jsonb_build_object('rank', 2, 'customer', 'Tom B.', 'spend', 80, '_customer_key', k.tom))
      FROM k, unnest(ARRAY['e_completed', 'e_ready', 'e_rendering']) n$$,
  'every snapshot naming her has her row renamed and unkeyed; the other rows are untouched');
SELECT set_eq(
  $$SELECT r.name, h.status, h.files_expiry_reason, h.redacted_at IS NOT NULL AS redacted
      FROM r JOIN reporting.report_generation_history h ON h.generation_id = r.id WHERE r.name LIKE 'e\_%'$$,
  $$VALUES ('e_completed', 'completed', 'erasure', true), ('e_ready', 'data_ready', NULL, true),
           ('e_rendering', 'data_ready', NULL, true)$$,
  'the rendered report''s files are to be deleted; the one being rendered goes back to be rendered from the redacted snapshot');
SELECT set_eq(
  $$SELECT d.name, x.status FROM d JOIN reporting.report_delivery_history x ON x.delivery_id = d.id
     WHERE d.name LIKE 'e\_%'$$,
  $$VALUES ('e_queued', 'skipped'), ('e_sent', 'sent')$$,
  'the unsent delivery of a report whose files go is withdrawn; the sent one is history');
SELECT results_eq(
  $$SELECT event, object_type, object_id, actor_user_id, before IS NULL AND after IS NULL AS no_images,
           details::text !~* 'sarah|kettleworth|example\.com|7700' AS no_identifiers
      FROM audit.events WHERE organization_id = '00000000-0000-4000-8000-00000000d301' AND event = 'customer.erased'$$,
  $$VALUES ('customer.erased', 'customer', '930001', '00000000-0000-4000-8000-0000000d30a1'::uuid, true, true)$$,
  'customer.erased is audited with the id and the admin, never the name or contact details');
SELECT is(api.erase_customer('00000000-0000-4000-8000-00000000d301', 930001) ->> 'already_erased', 'true',
  'erasing again is not an error (idempotent)');
SELECT is((SELECT count(*)::int FROM audit.events WHERE event = 'customer.erased'
            AND organization_id = '00000000-0000-4000-8000-00000000d301'),
  1, 'and, with nothing left to remove, is not audited twice');

SELECT * FROM finish();
ROLLBACK;
