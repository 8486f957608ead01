-- Stopping before the report was done: hand it back.
SELECT api.release_report(%(generation_id)s, %(worker)s)
