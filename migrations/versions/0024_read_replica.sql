-- 0024: report snapshots may be read on a hot standby (NIGHTCAP_READ_URL,
-- renderer.report_reader) and stored on the primary.
--
-- Where a generation's data was read: 'standby', or 'primary' when the
-- reader fell back (its reason is in snapshot -> 'read_from'); NULL when the
-- database generated the report itself (api.generate_report, api.work).
ALTER TABLE reporting.report_generation_history
  ADD COLUMN read_from text CHECK (read_from IN ('primary', 'standby'));

-- Signatures that change (db/ re-creates them after this revision):
-- internal.generate_report takes a snapshot already read, and api.work the
-- job types to run (the scheduler works report runs itself when it reads on
-- a standby). Without the DROPs the old ones would stay beside the new as
-- ambiguous overloads; IF EXISTS, since a new database has no functions
-- until db/ is applied after the last revision.
DROP FUNCTION IF EXISTS internal.generate_report(text, uuid, date, date, jsonb, text[], text, bigint, bigint, boolean);
DROP FUNCTION IF EXISTS api.work(numeric);
