-- This daemon deleted a report's expired files.
SELECT api.files_deleted(%(generation_id)s, %(worker)s) AS deleted_at
