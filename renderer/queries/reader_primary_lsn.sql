-- renderer.report_reader, on the primary: the WAL position every commit seen so far ends at or before.
-- The write position, not the insert position: when the last record ends exactly on a page
-- boundary, pg_current_wal_insert_lsn() points past the next page's header (boundary + 24 bytes),
-- a position an idle standby never replays to, since its replay position is the end of the last
-- record. The write position is always a record end or a page end, and covers our commit, which
-- synchronous_commit has already flushed.
SELECT pg_current_wal_lsn()::text AS lsn
