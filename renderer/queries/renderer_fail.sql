-- A render attempt failed: retried after the back-off, or failed for good.
SELECT api.fail_report(%(generation_id)s, %(worker)s, %(message)s) AS status
