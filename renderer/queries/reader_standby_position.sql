-- renderer.report_reader, on the standby: is it one, and has it replayed past the primary's position?
SELECT pg_is_in_recovery() AS in_recovery,
       pg_last_wal_replay_lsn()::text AS replay_lsn,
       coalesce(pg_last_wal_replay_lsn() >= %(lsn)s::pg_lsn, false) AS caught_up,
       pg_is_in_recovery() AND pg_is_wal_replay_paused() AS replay_paused
