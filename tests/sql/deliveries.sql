-- Deliveries: rows written when a report completes, skips with reasons, the
-- sender's claim and outcomes with retry timing, provider events, bounces
-- and suppression, the bounce-rate alert, the append-only compliance log,
-- and bad input refused when written.
BEGIN;
SELECT plan(39);

INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-0000000c0901', 'Delivery Org', 'delivery-org');
UPDATE venue.organizations SET bounce_suppression_threshold = 2 WHERE organization_id = '00000000-0000-4000-8000-0000000c0901';
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) VALUES
  ('00000000-0000-4000-8000-0000000c0901', 930001, 'Main', 'main', 100);
INSERT INTO reporting.daily_aggregations (organization_id, venue_id, business_date, gross_revenue, net_revenue, check_ins, bookings_total)
VALUES ('00000000-0000-4000-8000-0000000c0901', 930001, '2026-05-01', 1000, 1000, 50, 10);
CREATE FUNCTION pg_temp.org() RETURNS uuid LANGUAGE sql AS $$ SELECT '00000000-0000-4000-8000-0000000c0901'::uuid $$;
INSERT INTO reporting.report_recipients
  (organization_id, recipient_id, name, email, role, preferred_channels, preferred_formats, webhook_url, suppressed_at,
   suppression_reason, consent_given_at, consent_withdrawn_at) VALUES
  (pg_temp.org(), 920001, 'Owner', 'owner@club.example', 'owner', '{email}', '{pdf,xlsx}', NULL, NULL, NULL, '2026-01-01', NULL),
  (pg_temp.org(), 920002, 'Manager', 'manager@club.example', 'manager', '{email}', '{pdf}', NULL, NULL, NULL, '2026-01-01', NULL),
  (pg_temp.org(), 920003, 'Finance', 'finance@club.example', 'finance', '{email}', '{xlsx}', NULL, '2026-04-01', 'mailbox full', '2026-01-01', NULL),
  (pg_temp.org(), 920004, 'Events', 'events@club.example', 'events', '{email}', '{pdf}', NULL, NULL, NULL, '2026-01-01', '2026-03-01'),
  (pg_temp.org(), 920005, 'Till system', NULL, 'staff', '{webhook}', '{json}', 'https://hooks.club.example/reports', NULL, NULL, NULL, NULL);
INSERT INTO reporting.report_subscriptions (recipient_id, template_id, delivery_channels)
SELECT r, (SELECT template_id FROM reporting.report_templates WHERE organization_id = pg_temp.org() AND template_key = 'daily_summary'), c
  FROM (VALUES (920001, '{email,dashboard}'::text[]), (920002, '{email}'), (920003, '{email}'), (920004, '{email}'),
               (920005, '{webhook}')) v (r, c);

-- Bad input is refused when written.
SELECT throws_ok($$INSERT INTO reporting.report_recipients (organization_id, name, email, role) VALUES (pg_temp.org(), 'X', 'not an address', 'owner')$$,
  '23514', NULL, 'an invalid email address: 23514');
SELECT throws_ok($$INSERT INTO reporting.report_recipients (organization_id, name, role, preferred_channels, webhook_url)
                   VALUES (pg_temp.org(), 'X', 'staff', '{webhook}', 'ftp://files.example/in')$$,
  '23514', NULL, 'a webhook URL that is not http(s): 23514');
SELECT throws_ok($$UPDATE reporting.report_subscriptions SET delivery_channels = '{carrier_pigeon}' WHERE recipient_id = 920001$$,
  '23514', NULL, 'an unknown channel: 23514');

-- The report job runs (Friday's night), the report is rendered and completed: deliveries appear.
UPDATE reporting.job_runs SET status = 'cancelled' WHERE status IN ('waiting', 'queued');
SELECT api.enqueue_run(j.job_id, '2026-05-02 21:00Z') FROM reporting.scheduled_jobs j
 WHERE j.organization_id = pg_temp.org() AND j.name = 'report:daily_summary';
SELECT api.work(30);
UPDATE reporting.report_generation_history SET status = 'completed', files = '[]', completed_at = now()
 WHERE status IN ('data_ready', 'rendering') AND organization_id <> pg_temp.org();
CREATE TEMP TABLE g AS SELECT generation_id FROM api.claim_reports('renderer-1', 5);
SELECT is((SELECT count(*) FROM g), 1::bigint, 'one report to render');
SELECT is((SELECT count(*) FROM reporting.report_delivery_history WHERE organization_id = pg_temp.org()), 0::bigint,
  'no deliveries before the report is complete');
SELECT api.complete_report((SELECT generation_id FROM g), 'renderer-1',
  '[{"format": "pdf", "uri": "file:///r.pdf", "path": "/tmp/r.pdf", "bytes": 1000, "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
    {"format": "xlsx", "uri": "file:///r.xlsx", "path": "/tmp/r.xlsx", "bytes": 500, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
    {"format": "html", "uri": "file:///r.html", "path": "/tmp/r.html", "bytes": 700, "sha256": "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"}]');
SELECT set_eq(
  $$SELECT recipient_id, channel, status, formats::text, destination FROM reporting.report_delivery_history WHERE organization_id = pg_temp.org()$$,
  $$VALUES (920001::bigint, 'email', 'queued', '{pdf,xlsx}', 'owner@club.example'),
           (920001, 'dashboard', 'delivered', '{pdf,xlsx}', NULL),
           (920002, 'email', 'queued', '{pdf}', 'manager@club.example'),
           (920003, 'email', 'skipped', '{xlsx}', 'finance@club.example'),
           (920004, 'email', 'skipped', '{pdf}', 'events@club.example'),
           (920005, 'webhook', 'queued', '{}', 'https://hooks.club.example/reports')$$,
  'completing the report wrote one delivery per subscription and channel, formats the recipient''s that the report has');
SELECT results_eq(
  $$SELECT skip_reason ~ 'suppressed', skip_reason ~ 'withdrew consent' FROM reporting.report_delivery_history
     WHERE organization_id = pg_temp.org() AND status = 'skipped' ORDER BY recipient_id$$,
  $$VALUES (true, false), (false, true)$$, 'the suppressed and the unconsenting recipients are skipped with the reason');
SELECT is((SELECT message_id FROM reporting.report_delivery_history WHERE recipient_id = 920002),
  format('<report-%s.sub-%s.email@nightcap>', (SELECT generation_id FROM g),
         (SELECT subscription_id FROM reporting.report_subscriptions WHERE recipient_id = 920002)),
  'the Message-ID names the report, subscription and channel');
SELECT is((SELECT count(*) FROM audit.delivery_events e JOIN reporting.report_delivery_history d USING (organization_id, delivery_id)
            WHERE d.organization_id = pg_temp.org() AND e.event = 'status' AND e.from_status IS NULL), 6::bigint,
  'each delivery''s creation is in the compliance log');

-- The sender's claim.
CREATE TEMP TABLE c AS SELECT * FROM api.claim_deliveries('sender-1', 10, '1 minute', '{email}');
SELECT is((SELECT array_agg(recipient_id ORDER BY recipient_id) FROM c), ARRAY[920001, 920002]::bigint[],
  'the sender claims the two due emails (not the webhook: it asked for email only)');
SELECT is((SELECT (attempt, report ->> 'template_key', jsonb_array_length(report -> 'files'), report ->> 'organization')::text FROM c WHERE recipient_id = 920001),
  '(1,daily_summary,3,"Delivery Org")', 'each comes with its attempt and the report''s files');
SELECT is((SELECT count(*) FROM api.claim_deliveries('sender-2', 10)), 1::bigint, 'a second sender gets only the webhook');

-- Outcomes and retry timing.
SELECT throws_ok($$SELECT api.record_delivery((SELECT delivery_id FROM c WHERE recipient_id = 920001), 'sender-2', 'sent')$$,
  '55000', NULL, 'another sender cannot record it: 55000');
SELECT throws_ok($$SELECT api.record_delivery((SELECT delivery_id FROM c WHERE recipient_id = 920001), 'sender-1', 'lost')$$,
  '22023', NULL, 'an unknown outcome: 22023');
SELECT is(api.record_delivery((SELECT delivery_id FROM c WHERE recipient_id = 920001), 'sender-1', 'deferred', 'resend', NULL, '503 from resend; sendgrid timed out'),
  'deferred', 'every provider failing defers it');
SELECT ok((SELECT next_attempt_at BETWEEN clock_timestamp() + interval '55 seconds' AND clock_timestamp() + interval '65 seconds'
             FROM reporting.report_delivery_history WHERE delivery_id = (SELECT delivery_id FROM c WHERE recipient_id = 920001)),
  '... for a minute after the first attempt');
SELECT is(api.record_delivery((SELECT delivery_id FROM c WHERE recipient_id = 920002), 'sender-1', 'deferred', 'resend', NULL, '429', interval '10 minutes'),
  'deferred', 'a 429 defers it too');
SELECT ok((SELECT next_attempt_at > clock_timestamp() + interval '9 minutes'
             FROM reporting.report_delivery_history WHERE delivery_id = (SELECT delivery_id FROM c WHERE recipient_id = 920002)),
  '... for as long as Retry-After asked (10 minutes, more than the 1-minute step)');
UPDATE reporting.report_delivery_history SET next_attempt_at = clock_timestamp() - interval '1 second', attempts = 3
 WHERE delivery_id = (SELECT delivery_id FROM c WHERE recipient_id = 920001);
SELECT is((SELECT attempt FROM api.claim_deliveries('sender-1', 10, '1 minute', '{email}') WHERE recipient_id = 920001), 4,
  'after 1, 5 and 30 minutes comes the fourth and last attempt');
SELECT is(api.record_delivery((SELECT delivery_id FROM c WHERE recipient_id = 920001), 'sender-1', 'deferred', 'smtp', NULL,
            '550 5.1.1 <ops@alpha.example>: unknown user', NULL, '{"reply": "see https://mx.example/help?u=ops@alpha.example"}'),
  'failed', '... and when it fails too, the delivery has failed');
-- The append-only log keeps the attempt's error and the server's answer, but
-- not the address or URL they quote: retention could never remove them there.
SELECT is((SELECT e.details - 'attempt' - 'outcome' FROM audit.delivery_events e
            WHERE e.delivery_id = (SELECT delivery_id FROM c WHERE recipient_id = 920001) AND e.event = 'attempt'
            ORDER BY e.event_id DESC LIMIT 1),
  '{"error": "550 5.1.1 <<address>>: unknown user", "answer": {"reply": "see https://mx.example/<path>"}}'::jsonb,
  'an attempt''s error and answer are audited without the address and URL in them');

-- A sender that dies mid-send: the delivery is sent again with the same Message-ID and key.
UPDATE reporting.report_delivery_history SET next_attempt_at = clock_timestamp() - interval '1 second'
 WHERE delivery_id = (SELECT delivery_id FROM c WHERE recipient_id = 920002);
CREATE TEMP TABLE again AS SELECT * FROM api.claim_deliveries('sender-3', 10, '1 second', '{email}');
UPDATE reporting.report_delivery_history SET lease_expires_at = clock_timestamp() - interval '1 second'
 WHERE delivery_id = (SELECT delivery_id FROM again);
SELECT is((SELECT (attempt, message_id = (SELECT message_id FROM again), idempotency_key = (SELECT idempotency_key FROM again))::text
             FROM api.claim_deliveries('sender-4', 10, '1 minute', '{email}')),
  '(3,t,t)', 'sender-3 died: sender-4 takes it back as attempt 3, same Message-ID, same idempotency key');
SELECT is(api.record_delivery((SELECT delivery_id FROM again), 'sender-4', 'sent', 'resend', 're_123'), 'sent',
  'this time the provider took it');

-- Provider events move the status forward only; bounces suppress and alert.
SELECT is(api.record_provider_event('resend', 're_123', 'opened', '2026-05-02 22:05Z'),
  (SELECT delivery_id FROM again), 'an open event finds the delivery by the provider''s message id');
SELECT lives_ok($$SELECT api.record_provider_event('resend', 're_123', 'delivered', '2026-05-02 22:01Z')$$,
  'a late delivered event is taken');
SELECT is((SELECT (status, delivered_at, opened_at)::text FROM reporting.report_delivery_history WHERE delivery_id = (SELECT delivery_id FROM again)),
  '(opened,"2026-05-02 22:01:00+00","2026-05-02 22:05:00+00")', '... and timestamped, but the status stays opened');
SELECT throws_ok($$SELECT api.record_provider_event('resend', 're_unknown', 'opened')$$, 'P0002', NULL, 'an unknown message: P0002');
SELECT api.record_provider_event('resend', 're_123', 'bounced', '2026-05-03 09:00Z', '{"reason": "mailbox does not exist"}');
SELECT is((SELECT (r.bounce_count, r.suppressed_at IS NULL, d.status)::text
             FROM reporting.report_recipients r JOIN reporting.report_delivery_history d USING (organization_id, recipient_id)
            WHERE d.delivery_id = (SELECT delivery_id FROM again)),
  '(1,t,bounced)', 'a hard bounce counts against the manager, not yet suppressed (threshold 2)');
SELECT is((SELECT count(*) FROM reporting.job_alert_events e JOIN reporting.scheduled_jobs j USING (job_id)
            WHERE j.organization_id = pg_temp.org() AND e.alert_type = 'bounce_rate'), 1::bigint,
  'one of the report''s two emails bounced (50% > 5%): the bounce-rate alert fires');
SELECT is(internal.count_recipient_bounce(pg_temp.org(), 920002, 'complaint'), true,
  'a second bounce or complaint suppresses the recipient');

-- Right before a send the sender checks it still holds the delivery.
SELECT is(api.begin_delivery((SELECT delivery_id FROM reporting.report_delivery_history WHERE recipient_id = 920005), 'sender-2', '1 minute'), true,
  'the holder may send, and its lease is extended');
SELECT is(api.begin_delivery((SELECT delivery_id FROM reporting.report_delivery_history WHERE recipient_id = 920005), 'sender-1'), NULL,
  'another sender may not');
UPDATE reporting.report_delivery_history SET lease_expires_at = clock_timestamp() - interval '1 second' WHERE recipient_id = 920005;
SELECT is(api.begin_delivery((SELECT delivery_id FROM reporting.report_delivery_history WHERE recipient_id = 920005), 'sender-2'), NULL,
  'nor the holder once its lease ran out: another sender may take it back');
SELECT is(api.record_delivery((SELECT delivery_id FROM reporting.report_delivery_history WHERE recipient_id = 920005), 'sender-2', 'deferred',
  'webhook', NULL, '503'), 'deferred', 'the webhook is deferred');
SELECT api.pause_subscription((SELECT subscription_id FROM reporting.report_subscriptions WHERE recipient_id = 920005));
SELECT is((SELECT (status, skip_reason ~ 'paused')::text FROM reporting.report_delivery_history WHERE recipient_id = 920005),
  '(skipped,t)', 'unsubscribing skips the deliveries still waiting to be retried');

-- The compliance log is append-only; unsubscribing pauses the subscription.
SELECT throws_ok($$UPDATE audit.delivery_events SET actor = 'nobody'$$, '42501', NULL, 'the audit log cannot be updated: 42501');
SELECT throws_ok($$DELETE FROM audit.delivery_events$$, '42501', NULL, '... nor deleted from: 42501');
SELECT ok((SELECT count(*) >= 3 FROM audit.delivery_events WHERE delivery_id = (SELECT delivery_id FROM again) AND event IN ('attempt', 'provider_event')),
  'attempts and provider answers are in the log too');
SELECT is((SELECT (is_paused, paused_at IS NOT NULL)::text
             FROM api.pause_subscription((SELECT subscription_id FROM reporting.report_subscriptions WHERE recipient_id = 920002))),
  '(t,t)', 'the one-click unsubscribe pauses the subscription');

SELECT * FROM finish();
ROLLBACK;
