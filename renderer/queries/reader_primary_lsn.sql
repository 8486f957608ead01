-- renderer.report_reader, on the primary: the WAL position every commit seen so far lies before.
SELECT pg_current_wal_insert_lsn()::text AS lsn
