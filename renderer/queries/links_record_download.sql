-- A report file was served through a signed link: report.downloaded in the audit log.
SELECT api.record_download(%(generation_id)s, %(format)s, %(details)s::jsonb) AS event_id
