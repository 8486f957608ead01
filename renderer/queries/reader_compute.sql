-- renderer.report_reader, on the standby (or the primary, falling back): one report's snapshot, read only.
SELECT api.compute_report_snapshot(%(template_key)s, %(organization_id)s, %(period_start)s::date,
                                   %(period_end)s::date, %(filters)s::jsonb, %(formats)s::text[]) AS snapshot
