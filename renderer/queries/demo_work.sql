-- The report runs just enqueued, generated in the database.
SELECT w.run_id, w.status, w.error_sqlstate, w.error_message FROM api.work(50) w
