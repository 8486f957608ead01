-- The audit log: configuration changes, report runs, deliveries and downloads
-- give exactly the expected events (seed 003's names), with who and what
-- changed; api.tick's bookkeeping gives none; nobody, the owner included,
-- changes or removes an event; an auditor reads their own organization's.
BEGIN;
SELECT plan(77);
SET LOCAL timezone = 'UTC';

INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-00000000a001', 'Audit A', 'audit-a'),
  ('00000000-0000-4000-8000-00000000b001', 'Audit B', 'audit-b');
INSERT INTO venue.memberships (organization_id, user_id, role) VALUES
  ('00000000-0000-4000-8000-00000000a001', '00000000-0000-4000-8000-0000000000a1', 'admin'),
  ('00000000-0000-4000-8000-00000000a001', '00000000-0000-4000-8000-0000000000a2', 'auditor'),
  ('00000000-0000-4000-8000-00000000a001', '00000000-0000-4000-8000-0000000000a3', 'manager'),
  ('00000000-0000-4000-8000-00000000b001', '00000000-0000-4000-8000-0000000000b2', 'auditor');
CREATE FUNCTION pg_temp.org() RETURNS uuid LANGUAGE sql AS $$ SELECT '00000000-0000-4000-8000-00000000a001'::uuid $$;

-- Events are compared from a mark: the organizations' seeding above wrote its own.
CREATE TEMP TABLE mark (event_id bigint);
INSERT INTO mark SELECT max(event_id) FROM audit.events;
CREATE FUNCTION pg_temp.events() RETURNS text[] LANGUAGE sql AS $$
  SELECT coalesce(array_agg(e.event ORDER BY e.event_id), '{}') FROM audit.events e WHERE e.event_id > (SELECT event_id FROM mark)
$$;
CREATE FUNCTION pg_temp.remark() RETURNS void LANGUAGE sql AS $$
  UPDATE mark SET event_id = (SELECT max(event_id) FROM audit.events)
$$;
CREATE FUNCTION pg_temp.last(p_event text) RETURNS audit.events LANGUAGE sql AS $$
  SELECT e.* FROM audit.events e WHERE e.event = p_event ORDER BY e.event_id DESC LIMIT 1
$$;

-- 1. An admin changes recipients and settings through row-level security.
SELECT set_config('nightcap.user_id', '00000000-0000-4000-8000-0000000000a1', true);
SET LOCAL ROLE nightcap_admin;
INSERT INTO reporting.report_recipients (organization_id, recipient_id, name, email, role)
VALUES ('00000000-0000-4000-8000-00000000a001', 940001, 'Ann', 'ann@club.example', 'manager');
UPDATE reporting.report_recipients SET consent_given_at = '2026-05-01 10:00+00' WHERE recipient_id = 940001;
UPDATE reporting.report_recipients SET consent_withdrawn_at = '2026-05-02 10:00+00', name = 'Ann B' WHERE recipient_id = 940001;
UPDATE reporting.report_recipients SET name = 'Ann B' WHERE recipient_id = 940001;  -- changes nothing
DELETE FROM reporting.report_recipients WHERE recipient_id = 940001;
UPDATE venue.organizations SET retention_days = 30 WHERE organization_id = '00000000-0000-4000-8000-00000000a001';
RESET ROLE;

SELECT is(pg_temp.events(),
  '{recipient.added,recipient.consent_given,recipient.consent_withdrawn,recipient.updated,recipient.removed,organization.updated}',
  'an admin''s changes: recipient added, consent given and withdrawn, renamed, removed; a setting changed; the no-op update writes nothing');
SELECT is(
  (SELECT array_agg(DISTINCT e.actor || ' ' || e.actor_user_id || ' ' || e.database_role || ' ' || e.organization_id)
     FROM audit.events e WHERE e.event_id > (SELECT event_id FROM mark)),
  '{"00000000-0000-4000-8000-0000000000a1 00000000-0000-4000-8000-0000000000a1 postgres 00000000-0000-4000-8000-00000000a001"}',
  'each names the admin (actor and user id), the session''s database role and the organization');
SELECT is((SELECT row(e.object_type, e.object_id, e.before, e.after)::text FROM audit.events e
            WHERE e.event = 'recipient.consent_given' AND e.event_id > (SELECT event_id FROM mark)),
  row('recipient', '940001', '{"consent_given_at": null}'::jsonb,
      '{"consent_given_at": "2026-05-01T10:00:00+00:00"}'::jsonb)::text,
  'consent given: the recipient, and only the column that changed, before and after');
SELECT is((SELECT row(e.before, e.after)::text FROM audit.events e
            WHERE e.event = 'recipient.updated' AND e.event_id > (SELECT event_id FROM mark)),
  row('{"name": "Ann"}'::jsonb, '{"name": "Ann B"}'::jsonb)::text,
  'the rename is its own event, apart from the withdrawal of consent made in the same UPDATE');
SELECT is((SELECT row(e.after, e.before ->> 'name', e.before ->> 'consent_withdrawn_at')::text FROM audit.events e
            WHERE e.event = 'recipient.removed' AND e.event_id > (SELECT event_id FROM mark)),
  row(NULL::jsonb, 'Ann B', '2026-05-02T10:00:00+00:00')::text,
  'removed: the whole row as it was, in before');
SELECT is((SELECT row(e.object_id, e.before, e.after)::text FROM audit.events e
            WHERE e.event = 'organization.updated' AND e.event_id > (SELECT event_id FROM mark)),
  row('00000000-0000-4000-8000-00000000a001', '{"retention_days": 90}'::jsonb, '{"retention_days": 30}'::jsonb)::text,
  'organization.updated: the setting, before and after');

-- 2. A DBA (the owner, nightcap.actor set) schedules, pauses, resumes and deletes a report.
SELECT pg_temp.remark();
SELECT set_config('nightcap.user_id', '', true);
SELECT set_config('nightcap.actor', 'dba@club.example', true);
SET LOCAL ROLE nightcap_owner;
INSERT INTO reporting.report_recipients (organization_id, recipient_id, name, email, role, consent_given_at)
VALUES ('00000000-0000-4000-8000-00000000a001', 940002, 'Bo', 'bo@club.example', 'owner', '2026-05-01');
INSERT INTO reporting.report_subscriptions (organization_id, subscription_id, recipient_id, template_id)
OVERRIDING SYSTEM VALUE
SELECT pg_temp.org(), 950001, 940002, template_id FROM reporting.report_templates
 WHERE organization_id = pg_temp.org() AND template_key = 'daily_summary';
UPDATE reporting.report_subscriptions SET is_paused = true WHERE subscription_id = 950001;
UPDATE reporting.report_subscriptions SET is_paused = false, formats = '{pdf}' WHERE subscription_id = 950001;
UPDATE reporting.report_subscriptions SET next_delivery_at = '2026-06-01 21:00+00' WHERE subscription_id = 950001;
DELETE FROM reporting.report_subscriptions WHERE subscription_id = 950001;
RESET ROLE;

SELECT is(pg_temp.events(),
  '{recipient.added,scheduled_report.created,scheduled_job.created,scheduled_report.paused,scheduled_job.disabled,'
  'scheduled_report.resumed,scheduled_report.updated,scheduled_job.enabled,scheduled_report.deleted,scheduled_job.disabled}',
  'a subscription''s life, and its report job following it; moving next_delivery_at writes nothing');
SELECT is((SELECT array_agg(DISTINCT e.actor || ' ' || coalesce(e.actor_user_id::text, '-')) FROM audit.events e
            WHERE e.event_id > (SELECT event_id FROM mark)),
  '{"dba@club.example -"}', 'the actor is the session''s nightcap.actor');
SELECT is((SELECT row(e.object_type, e.object_id, e.before, e.after ->> 'is_paused', e.after - 'paused_at')::text
             FROM audit.events e WHERE e.event = 'scheduled_report.paused' AND e.event_id > (SELECT event_id FROM mark)),
  row('scheduled_report', '950001', '{"is_paused": false, "paused_at": null}'::jsonb, 'true',
      '{"is_paused": true}'::jsonb)::text,
  'paused: is_paused and paused_at, before and after');
SELECT is((SELECT row(e.before, e.after)::text FROM audit.events e
            WHERE e.event = 'scheduled_report.updated' AND e.event_id > (SELECT event_id FROM mark)),
  row('{"formats": null}'::jsonb, '{"formats": ["pdf"]}'::jsonb)::text,
  'resumed with another format: the format change is scheduled_report.updated');
SELECT ok((SELECT e.before ? 'subscription_id' AND e.after IS NULL AND NOT e.before ? 'job_id' FROM audit.events e
            WHERE e.event = 'scheduled_report.deleted' AND e.event_id > (SELECT event_id FROM mark)),
  'deleted: the row in before, without the engine''s bookkeeping columns');

-- 3. A template version: draft, sections, activation, retirement; a draft deleted.
SELECT pg_temp.remark();
INSERT INTO reporting.report_templates (organization_id, template_id, template_key, version, name, created_by)
OVERRIDING SYSTEM VALUE VALUES
  (pg_temp.org(), 960001, 'door_report', 1, 'Door Report', 'dba'),
  (pg_temp.org(), 960002, 'door_draft', 1, 'Door Draft', 'dba');
INSERT INTO reporting.report_sections (organization_id, template_id, position, section_key, title, section_type, query_config)
VALUES (pg_temp.org(), 960001, 1, 'summary', 'Summary', 'summary', '{"dataset": "executive_summary"}'),
       (pg_temp.org(), 960002, 1, 'summary', 'Summary', 'summary', '{"dataset": "executive_summary"}');
UPDATE reporting.report_sections SET title = 'The Night' WHERE template_id = 960001;
UPDATE reporting.report_templates SET description = 'Who came in' WHERE template_id = 960001;
UPDATE reporting.report_templates SET status = 'active' WHERE template_id = 960001;
UPDATE reporting.report_templates SET status = 'retired' WHERE template_id = 960001;
DELETE FROM reporting.report_templates WHERE template_id = 960002;

SELECT is(pg_temp.events(),
  '{report_template.created,report_template.created,report_section.created,report_section.created,report_section.updated,'
  'report_template.updated,report_template.activated,report_template.retired,report_template.deleted,report_section.deleted}',
  'a template version''s life, and a draft deleted with its section');
SELECT is((SELECT row(e.object_id, e.before, e.after)::text FROM audit.events e
            WHERE e.event = 'report_section.updated' AND e.event_id > (SELECT event_id FROM mark)),
  row('960001/summary', '{"title": "Summary"}'::jsonb, '{"title": "The Night"}'::jsonb)::text,
  'a section is named by its template and key');
SELECT is((SELECT row(e.before, e.after - 'activated_at', e.after ? 'activated_at')::text FROM audit.events e
            WHERE e.event = 'report_template.activated' AND e.event_id > (SELECT event_id FROM mark)),
  row('{"status": "draft", "activated_at": null}'::jsonb, '{"status": "active"}'::jsonb, true)::text,
  'activated: status and activated_at');

-- 4. Jobs and their dependencies; then api.tick runs them and writes nothing.
SELECT pg_temp.remark();
INSERT INTO reporting.scheduled_jobs (job_id, organization_id, name, job_type, cron_expression, timezone, payload)
OVERRIDING SYSTEM VALUE VALUES
  (970001, pg_temp.org(), 'audit-parent', 'sql', '*/5 * * * *', 'UTC', '{"sql": "SELECT 1"}'),
  (970002, pg_temp.org(), 'audit-child', 'sql', '*/5 * * * *', 'UTC', '{"sql": "SELECT 2"}');
INSERT INTO reporting.job_dependencies (child_job_id, parent_job_id) VALUES (970002, 970001);
UPDATE reporting.scheduled_jobs SET cron_expression = '*/10 * * * *' WHERE job_id = 970002;
UPDATE reporting.job_dependencies SET condition = 'always' WHERE child_job_id = 970002;
DELETE FROM reporting.job_dependencies WHERE child_job_id = 970002;

SELECT is(pg_temp.events(),
  '{scheduled_job.created,scheduled_job.created,job_dependency.created,scheduled_job.updated,job_dependency.updated,job_dependency.deleted}',
  'jobs created in one statement, a dependency added, changed and removed, a schedule changed');
SELECT is((SELECT row(e.before, e.after)::text FROM audit.events e
            WHERE e.event = 'scheduled_job.updated' AND e.event_id > (SELECT event_id FROM mark)),
  row('{"cron_expression": "*/5 * * * *"}'::jsonb, '{"cron_expression": "*/10 * * * *"}'::jsonb)::text,
  'a new schedule: only cron_expression, not the next_run_at it moved');
SELECT is((SELECT array_agg(e.organization_id || ' ' || e.object_id ORDER BY e.event_id) FROM audit.events e
            WHERE e.object_type = 'job_dependency' AND e.event_id > (SELECT event_id FROM mark)),
  '{"00000000-0000-4000-8000-00000000a001 970002/970001","00000000-0000-4000-8000-00000000a001 970002/970001","00000000-0000-4000-8000-00000000a001 970002/970001"}',
  'a dependency belongs to its jobs'' organization and is named child/parent');

SELECT pg_temp.remark();
UPDATE reporting.scheduled_jobs SET next_run_at = '2026-06-01 09:00+00' WHERE job_id IN (970001, 970002);
SELECT is(pg_temp.events(), '{}', 'moving next_run_at by hand writes nothing (bookkeeping)');
SELECT cmp_ok((SELECT count(*) FROM api.tick('2026-06-01 09:00:20+00') t WHERE t.job_id IN (970001, 970002)), '=', 2::bigint,
  'api.tick enqueues both jobs and moves their next_run_at and last_run_at');
SELECT is(pg_temp.events(), '{}', 'api.tick writes no audit rows');

-- 5. Memberships.
SELECT pg_temp.remark();
INSERT INTO venue.memberships (organization_id, user_id, role) VALUES (pg_temp.org(), '00000000-0000-4000-8000-0000000000a9', 'staff');
UPDATE venue.memberships SET role = 'manager' WHERE user_id = '00000000-0000-4000-8000-0000000000a9';
DELETE FROM venue.memberships WHERE user_id = '00000000-0000-4000-8000-0000000000a9';
SELECT is(pg_temp.events(), '{membership.granted,membership.changed,membership.revoked}', 'a membership granted, changed, revoked');
SELECT is((SELECT row(e.object_id, e.before, e.after)::text FROM audit.events e
            WHERE e.event = 'membership.changed' AND e.event_id > (SELECT event_id FROM mark)),
  row('00000000-0000-4000-8000-0000000000a9', '{"role": "staff"}'::jsonb, '{"role": "manager"}'::jsonb)::text,
  'membership.changed: the user and the role, before and after');

-- 6. Report runs: started, then completed, failed or skipped; the outcome of a delivery.
SELECT pg_temp.remark();
SELECT set_config('nightcap.actor', '', true);
INSERT INTO reporting.report_recipients (organization_id, recipient_id, name, email, role, consent_given_at)
VALUES (pg_temp.org(), 940003, 'Cy', 'cy@club.example', 'owner', '2026-05-01');
INSERT INTO reporting.report_subscriptions (organization_id, subscription_id, recipient_id, template_id)
OVERRIDING SYSTEM VALUE
SELECT pg_temp.org(), 950002, 940003, template_id FROM reporting.report_templates
 WHERE organization_id = pg_temp.org() AND template_key = 'daily_summary' AND status = 'active';
SELECT pg_temp.remark();
INSERT INTO reporting.report_generation_history (organization_id, generation_id, template_id, template_key, template_version,
  period_start, period_end, timezone, formats, status, request_key, snapshot, requested_by, job_id, skip_reason)
OVERRIDING SYSTEM VALUE
SELECT pg_temp.org(), g.id, t.template_id, t.template_key, t.version, '2026-05-01', '2026-05-01', 'Europe/London', '{pdf}',
       g.status, 'audit-' || g.id, CASE WHEN g.status = 'data_ready' THEN '{}'::jsonb END, 'scheduler',
       (SELECT job_id FROM reporting.report_subscriptions WHERE subscription_id = 950002),
       CASE WHEN g.status = 'skipped' THEN 'no trading' END
  FROM reporting.report_templates t,
       (VALUES (980001, 'data_ready'), (980002, 'data_ready'), (980003, 'skipped')) g (id, status)
 WHERE t.organization_id = pg_temp.org() AND t.template_key = 'daily_summary' AND t.status = 'active';
UPDATE reporting.report_generation_history SET max_render_attempts = 1 WHERE generation_id = 980002;
SELECT is((SELECT array_agg(c.generation_id ORDER BY c.generation_id) FROM api.claim_reports('worker-1', 5) c
            WHERE c.generation_id IN (980001, 980002)), '{980001,980002}', 'a worker claims both reports');
SELECT api.heartbeat_report(980001, 'worker-1');
SELECT api.complete_report(980001, 'worker-1',
  '[{"format": "pdf", "key": "audit-a/daily_summary/2026-05-01/daily_summary-2026-05-01-g980001.pdf", "uri": "file:///r.pdf", "bytes": 2048, "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}]');
SELECT api.fail_report(980002, 'worker-1', 'WeasyPrint ran out of memory');
SELECT is(pg_temp.events(),
  '{report_execution.started,report_execution.started,report_execution.started,report_execution.skipped,report_execution.completed,report_execution.failed,alert.raised,alert.unrouted}',
  'three runs started, one skipped as it was written; the claim and heartbeat write nothing; one completed, one failed, which raised its alert (unrouted: this organization has no admin to tell)');
SELECT is((SELECT row(e.object_type, e.object_id, e.before, e.after)::text FROM audit.events e
            WHERE e.event = 'report_execution.completed' AND e.event_id > (SELECT event_id FROM mark)),
  row('report_execution', '980001', '{"status": "rendering"}'::jsonb,
      '{"status": "completed", "files": [{"format": "pdf", "key": "audit-a/daily_summary/2026-05-01/daily_summary-2026-05-01-g980001.pdf", "bytes": 2048, "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}]}'::jsonb)::text,
  'completed: rendered and stored, with its file');
SELECT is((SELECT row(e.before, e.after, e.details ->> 'render_worker')::text FROM audit.events e
            WHERE e.event = 'report_execution.failed' AND e.event_id > (SELECT event_id FROM mark)),
  row('{"status": "rendering"}'::jsonb, '{"status": "failed", "error_message": "WeasyPrint ran out of memory"}'::jsonb,
      'worker-1')::text,
  'failed: the error, and the worker');

SELECT pg_temp.remark();
SELECT delivery_id AS delivery FROM api.claim_deliveries('sender-1', 10) WHERE generation_id = 980001 \gset
SELECT is(api.record_delivery(:delivery, 'sender-1', 'sent', 'resend', 're_audit_1'), 'sent', 'the email is sent');
SELECT is(pg_temp.events(), '{report.sent}',
  'one summary event for the outcome; the queue and the claim are audit.delivery_events'' alone');
SELECT is((SELECT row(e.object_type, e.before, e.after, e.details ->> 'recipient_id', e.details ->> 'generation_id')::text
             FROM audit.events e WHERE e.event = 'report.sent' AND e.event_id > (SELECT event_id FROM mark)),
  row('report_delivery', '{"status": "sending"}'::jsonb, '{"status": "sent"}'::jsonb, '940003', '980001')::text,
  'report.sent: the delivery, its recipient and report');

-- 7. Downloads through signed links (api.record_download, the link server's).
SELECT pg_temp.remark();
SELECT set_config('nightcap.actor', 'signed-link', true);
SELECT ok(api.record_download(980001, 'pdf',
            jsonb_build_object('client_ip', '203.0.113.7', 'user_agent', 'Mail/1.0', 'delivery_id', :delivery,
                               'forwarded_for', '198.51.100.23, not-an-address, 2001:db8:5:6::1')) > 0,
  'a download is recorded');
SELECT is((SELECT row(e.event, e.actor, e.object_type, e.object_id, e.details - 'delivery_id' - 'subscription_id')::text
             FROM audit.events e WHERE e.event_id > (SELECT event_id FROM mark)),
  row('report.downloaded', 'signed-link', 'report_execution', '980001',
      '{"client_ip": "203.0.113.0/24", "forwarded_for": "198.51.100.0/24, 2001:db8:5::/48", "user_agent": "Mail/1.0", "recipient_id": 940003, "format": "pdf", "bytes": 2048, "template_key": "daily_summary", "key": "audit-a/daily_summary/2026-05-01/daily_summary-2026-05-01-g980001.pdf"}'::jsonb)::text,
  'report.downloaded: the link''s actor, the client''s and forwarded networks (not addresses), the delivery''s recipient, the file');
SELECT throws_ok($$SELECT api.record_download(NULL, 'pdf', '{}')$$, '22004', NULL, 'no report: 22004');
SELECT throws_ok($$SELECT api.record_download(989999, 'pdf', '{}')$$, 'P0002', NULL, 'an unknown report: P0002');
SELECT throws_ok($$SELECT api.record_download(980002, 'pdf', '{}')$$, '55000', NULL, 'a failed report has no files: 55000');
SELECT throws_ok($$SELECT api.record_download(980001, 'xlsx', '{}')$$, '22023', NULL, 'a format the report has no file of: 22023');
SELECT throws_ok($$SELECT api.record_download(980001, 'pdf', '{"key": "audit-b/other.pdf"}')$$, '22023', NULL,
  'a key that is not the report''s file: 22023');
SELECT function_privs_are('api', 'record_download', ARRAY['bigint', 'text', 'jsonb'], 'nightcap_renderer', ARRAY['EXECUTE'],
  'the renderer may record downloads');
SELECT function_privs_are('api', 'record_download', ARRAY['bigint', 'text', 'jsonb'], 'nightcap_admin', ARRAY[]::text[],
  'an admin may not (it would forge downloads)');

-- 8. Append-only, for every role.
SELECT throws_ok($$UPDATE audit.events SET actor = 'someone else'$$, '42501', NULL, 'the superuser cannot UPDATE the audit log');
SELECT throws_ok($$DELETE FROM audit.events$$, '42501', NULL, 'nor DELETE from it');
SELECT throws_ok($$TRUNCATE audit.events$$, '42501', NULL, 'nor TRUNCATE it');
SET LOCAL ROLE nightcap_owner;
SELECT throws_ok($$UPDATE audit.events SET actor = 'someone else'$$, '42501', NULL, 'the owner cannot UPDATE it');
SELECT throws_ok($$DELETE FROM audit.events$$, '42501', NULL, 'nor DELETE');
SELECT throws_ok($$TRUNCATE audit.events$$, '42501', NULL, 'nor TRUNCATE');
RESET ROLE;
SELECT set_config('nightcap.user_id', '00000000-0000-4000-8000-0000000000a1', true);
SET LOCAL ROLE nightcap_admin;
SELECT throws_ok($$UPDATE audit.events SET actor = 'someone else'$$, '42501', NULL, 'an admin cannot UPDATE it');
SELECT throws_ok($$DELETE FROM audit.events$$, '42501', NULL, 'nor DELETE');
SELECT throws_ok($$TRUNCATE audit.events$$, '42501', NULL, 'nor TRUNCATE');
RESET ROLE;
SELECT set_config('nightcap.user_id', '00000000-0000-4000-8000-0000000000a2', true);
SET LOCAL ROLE nightcap_auditor;
SELECT throws_ok($$UPDATE audit.events SET actor = 'someone else'$$, '42501', NULL, 'an auditor cannot UPDATE it');
SELECT throws_ok($$DELETE FROM audit.events$$, '42501', NULL, 'nor DELETE');
SELECT throws_ok($$TRUNCATE audit.events$$, '42501', NULL, 'nor TRUNCATE');
RESET ROLE;
-- Every other role, on both logs: the manager, staff and renderer roles, and
-- Supabase's (made by the fixture, and undone with the test, where they do not exist).
SET LOCAL client_min_messages = warning;  -- where they exist, its GRANTs say so
\ir ../fixtures/supabase_roles.sql
RESET client_min_messages;
CREATE FUNCTION pg_temp.write_as(p_role text, p_sql text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', p_role);
  EXECUTE p_sql;
END
$fn$;
SELECT throws_ok(format('SELECT pg_temp.write_as(%L, %L)', r, w), '42501', NULL, format('%s: %s', r, w))
  FROM unnest(ARRAY['nightcap_manager', 'nightcap_staff', 'nightcap_renderer',
                    'anon', 'authenticated', 'service_role']) AS r,
       unnest(ARRAY['UPDATE audit.events SET actor = ''someone else''', 'DELETE FROM audit.events',
                    'UPDATE audit.delivery_events SET actor = ''someone else''',
                    'DELETE FROM audit.delivery_events']) AS w;
SELECT set_config('nightcap.user_id', '00000000-0000-4000-8000-0000000000a2', true);
SET LOCAL ROLE nightcap_auditor;

-- 9. Who reads it: an auditor their organization's events, a manager none.
SELECT is((SELECT array_agg(DISTINCT e.organization_id) FROM audit.events e),
  '{00000000-0000-4000-8000-00000000a001}', 'an auditor of A reads only A''s events');
RESET ROLE;
SELECT set_config('nightcap.user_id', '00000000-0000-4000-8000-0000000000b2', true);
SET LOCAL ROLE nightcap_auditor;
SELECT is((SELECT array_agg(DISTINCT e.organization_id) FROM audit.events e),
  '{00000000-0000-4000-8000-00000000b001}', 'an auditor of B only B''s');
RESET ROLE;
SELECT set_config('nightcap.user_id', '00000000-0000-4000-8000-0000000000a3', true);
SET LOCAL ROLE nightcap_manager;
SELECT throws_ok($$SELECT count(*) FROM audit.events$$, '42501', NULL, 'a manager reads none');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
