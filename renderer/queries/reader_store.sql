-- renderer.report_reader, on the primary: store a snapshot read elsewhere as a generation.
SELECT api.store_report_snapshot(%(template_key)s, %(organization_id)s, %(period_start)s::date,
                                 %(period_end)s::date, %(filters)s::jsonb, %(formats)s::text[],
                                 %(priority)s, %(job_id)s, %(run_id)s, %(snapshot)s::jsonb) AS generation_id
