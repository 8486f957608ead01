-- One demo report, through the same function a DBA calls.
SELECT api.generate_report(%(template_key)s, %(organization_id)s, %(period_start)s, %(period_end)s) AS generation_id
