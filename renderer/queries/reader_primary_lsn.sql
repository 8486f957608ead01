-- renderer.report_reader, on the primary: the WAL position every commit seen so far ends at or before.
-- The insert position: it covers every commit, asynchronous ones too (a commit that wrote nothing
-- else, or one under synchronous_commit = off, is not flushed at once, so pg_current_wal_lsn(),
-- the write position, can lag it by up to three wal_writer_delays). But when the last record ends
-- exactly on a WAL page boundary, the insert position points past the next page's header
-- (boundary + 24 bytes, or + 40 at the start of a segment), where no record ends: an idle standby,
-- whose replay position is the end of the last record it replayed, would never reach it. Such a
-- position is taken back to the boundary.
SELECT (CASE WHEN mod(p.lsn - '0/0'::pg_lsn, s.segment) = 40 THEN p.lsn - 40
             WHEN mod(p.lsn - '0/0'::pg_lsn, s.block) = 24 THEN p.lsn - 24
             ELSE p.lsn END)::text AS lsn
  FROM (SELECT pg_current_wal_insert_lsn() AS lsn) p,
       (SELECT (SELECT setting::numeric FROM pg_settings WHERE name = 'wal_segment_size') AS segment,
               (SELECT setting::numeric FROM pg_settings WHERE name = 'wal_block_size') AS block) s
