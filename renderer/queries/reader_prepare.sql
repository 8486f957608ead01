-- renderer.report_reader, on the primary: what a standby read needs written first (templates, salt).
SELECT api.prepare_report_read(%(organization_id)s)
