-- internal.generate_report(...): api.generate_report, with the job run that asked for it.
CREATE OR REPLACE FUNCTION internal.generate_report(
  p_template_key    text,
  p_organization_id uuid,
  p_period_start    date,
  p_period_end      date,
  p_filters         jsonb,
  p_formats         text[],
  p_priority        text,
  p_job_id          bigint,
  p_run_id          bigint,
  p_use_cache       boolean
)
RETURNS bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_template  reporting.report_templates;
  v_venue_id  bigint;
  v_venue     venue.venues;
  v_org       venue.organizations;
  v_formats   text[];
  v_key       text;
  v_version   bigint;
  v_hit       bigint;
  v_warnings  jsonb;
  v_empty     boolean;
  v_section   record;
  v_params    jsonb;
  v_function  regprocedure;
  v_data      jsonb;
  v_sections  jsonb := '[]';
  v_durations jsonb := '{}';
  v_started   timestamptz := clock_timestamp();
  v_t0        timestamptz;
  v_snapshot  jsonb;
  v_summary   jsonb;
  v_id        bigint;
BEGIN
  /*
   * See api.generate_report. Checks every argument before writing anything;
   * the snapshot is built section by section from the dataset registry
   * (never from SQL stored in a section). Scheduled runs pass p_use_cache
   * false: a scheduled report is always generated afresh (seed 002), so it
   * has its own row, tied to its run, for its deliveries.
   */
  IF p_template_key IS NULL OR p_organization_id IS NULL OR p_period_start IS NULL OR p_period_end IS NULL THEN
    RAISE EXCEPTION 'generate_report needs a template key, an organization and a period, got %, %, %, %',
      coalesce(p_template_key, 'NULL'), coalesce(p_organization_id::text, 'NULL'),
      coalesce(p_period_start::text, 'NULL'), coalesce(p_period_end::text, 'NULL')
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT * INTO v_org FROM venue.organizations o WHERE o.organization_id = p_organization_id;
  IF NOT FOUND THEN
    PERFORM internal.require_organization(p_organization_id);
  END IF;
  IF p_period_end < p_period_start THEN
    RAISE EXCEPTION 'the period ends (%) before it starts (%)', p_period_end, p_period_start
      USING ERRCODE = '22023';
  END IF;
  IF p_period_end - p_period_start > 366 THEN
    RAISE EXCEPTION 'a report covers at most 367 days, got % to %', p_period_start, p_period_end
      USING ERRCODE = '22023';
  END IF;
  IF p_priority IS NULL OR p_priority NOT IN ('low', 'normal', 'high', 'critical') THEN
    RAISE EXCEPTION 'unknown priority %', coalesce(p_priority, 'NULL')
      USING ERRCODE = '22023', HINT = 'One of low, normal, high, critical.';
  END IF;
  p_filters := coalesce(p_filters, '{}');
  IF jsonb_typeof(p_filters) <> 'object' OR p_filters - 'venue_id' <> '{}' THEN
    RAISE EXCEPTION 'unknown report filters %', p_filters
      USING ERRCODE = '22023', HINT = 'Filters: {"venue_id": <a venue of the organization>} or {}.';
  END IF;
  IF p_filters ? 'venue_id' THEN
    IF jsonb_typeof(p_filters -> 'venue_id') <> 'number' OR (p_filters ->> 'venue_id') !~ '^\d+$' THEN
      RAISE EXCEPTION 'filter venue_id must be a venue id, got %', p_filters -> 'venue_id' USING ERRCODE = '22023';
    END IF;
    v_venue_id := (p_filters ->> 'venue_id')::bigint;
    SELECT * INTO v_venue FROM venue.venues v WHERE v.organization_id = p_organization_id AND v.venue_id = v_venue_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'organization % has no venue %', p_organization_id, v_venue_id USING ERRCODE = 'P0002';
    END IF;
  END IF;

  PERFORM internal.ensure_report_templates(p_organization_id);
  SELECT * INTO v_template
    FROM reporting.report_templates t
   WHERE t.organization_id = p_organization_id AND t.template_key = p_template_key AND t.status = 'active';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'organization % has no active report template %', p_organization_id, p_template_key
      USING ERRCODE = 'P0002',
            HINT = (SELECT 'Templates: ' || string_agg(t.template_key, ', ' ORDER BY t.template_key)
                      FROM reporting.report_templates t
                     WHERE t.organization_id = p_organization_id AND t.status = 'active');
  END IF;
  v_formats := coalesce(p_formats, v_template.formats);
  IF cardinality(v_formats) = 0 OR NOT v_formats <@ v_template.formats THEN
    RAISE EXCEPTION 'template % cannot be rendered as %', p_template_key,
      coalesce(array_to_string(ARRAY(SELECT f FROM unnest(v_formats) f WHERE f IS NULL OR f <> ALL (v_template.formats)), ', ', 'NULL'), 'nothing')
      USING ERRCODE = '22023', HINT = format('Its formats: %s.', array_to_string(v_template.formats, ', '));
  END IF;
  v_formats := ARRAY(SELECT DISTINCT f FROM unnest(v_formats) f ORDER BY f);

  -- The same request: same version, scope, period and formats. Serialised,
  -- so two identical requests at once give one snapshot and one cache hit.
  v_key := md5(concat_ws('|', v_template.template_id, v_venue_id, p_period_start, p_period_end,
                         array_to_string(v_formats, ',')));
  PERFORM pg_advisory_xact_lock(hashtext('nightcap.report:' || v_key));
  SELECT dv.version INTO v_version
    FROM internal.organization_data_versions dv WHERE dv.organization_id = p_organization_id;
  v_version := coalesce(v_version, 0);
  IF p_use_cache AND v_template.cache_ttl > interval '0' THEN
    UPDATE reporting.report_generation_history h
       SET cache_hits = h.cache_hits + 1, last_cache_hit_at = clock_timestamp()
     WHERE (h.organization_id, h.generation_id) = (
             SELECT g.organization_id, g.generation_id
               FROM reporting.report_generation_history g
              WHERE g.organization_id = p_organization_id AND g.request_key = v_key
                AND g.status IN ('data_ready', 'rendering', 'completed') AND NOT g.is_stale
                AND g.snapshot IS NOT NULL AND g.files_expired_at IS NULL
                AND g.data_version = v_version
                AND g.requested_at > clock_timestamp() - v_template.cache_ttl
              ORDER BY g.requested_at DESC, g.generation_id DESC
              LIMIT 1)
    RETURNING h.generation_id INTO v_hit;
    IF v_hit IS NOT NULL THEN
      RETURN v_hit;
    END IF;
  END IF;

  v_warnings := internal.report_warnings(p_organization_id, v_venue_id, p_period_start, p_period_end);
  v_empty := v_warnings @> '[{"code": "empty"}]';
  IF v_empty AND v_template.skip_when_empty THEN
    INSERT INTO reporting.report_generation_history AS h
           (organization_id, template_id, template_key, template_version, venue_id, filters, period_start,
            period_end, timezone, formats, priority, status, request_key, data_version, job_id, run_id,
            warnings, skip_reason, requested_by, generation_ms)
    VALUES (p_organization_id, v_template.template_id, v_template.template_key, v_template.version, v_venue_id,
            p_filters, p_period_start, p_period_end, coalesce(v_venue.timezone, v_template.schedule_timezone),
            v_formats, p_priority, 'skipped', v_key, v_version, p_job_id, p_run_id, v_warnings,
            format('no trading from %s to %s, and template %s is skipped when empty',
                   p_period_start, p_period_end, p_template_key),
            internal.current_actor(),
            round((extract(epoch FROM clock_timestamp() - v_started) * 1000)::numeric, 3))
    RETURNING h.generation_id INTO v_id;
    RETURN v_id;
  END IF;

  -- Datasets that name customers tag their rows with the pseudonymous key
  -- (internal.dataset_top_customers), which needs the organization's salt.
  PERFORM internal.organization_salt(p_organization_id);
  FOR v_section IN
    SELECT s.*, d.function_name
      FROM reporting.report_sections s
      JOIN internal.report_datasets() d ON d.dataset = s.dataset
     WHERE s.organization_id = p_organization_id AND s.template_id = v_template.template_id
     ORDER BY s.position
  LOOP
    v_params := internal.check_query_config(v_section.section_type, v_section.query_config);
    v_function := to_regprocedure(v_section.function_name || '(uuid, bigint, date, date, jsonb)');
    IF v_function IS NULL THEN
      RAISE EXCEPTION 'dataset % has no function %', v_section.dataset, v_section.function_name
        USING ERRCODE = '42883';
    END IF;
    v_t0 := clock_timestamp();
    EXECUTE format('SELECT %s($1, $2, $3, $4, $5)', v_function::regproc)
       INTO v_data USING p_organization_id, v_venue_id, p_period_start, p_period_end, v_params;
    v_durations := v_durations || jsonb_build_object(
      v_section.section_key, round((extract(epoch FROM clock_timestamp() - v_t0) * 1000)::numeric, 3));
    v_sections := v_sections || jsonb_build_array(jsonb_build_object(
      'position', v_section.position, 'key', v_section.section_key, 'title', v_section.title,
      'type', v_section.section_type, 'dataset', v_section.dataset, 'parameters', v_params,
      'display', v_section.display_config, 'data', coalesce(v_data, '{}')));
  END LOOP;

  SELECT jsonb_build_object(
           'gross_revenue', coalesce(sum(a.gross_revenue), 0), 'refunds', coalesce(sum(a.refunds), 0),
           'net_revenue', coalesce(sum(a.net_revenue), 0), 'deposits', coalesce(sum(a.deposits), 0),
           'bookings_total', coalesce(sum(a.bookings_total), 0),
           'bookings_no_show', coalesce(sum(a.bookings_no_show), 0),
           'covers', coalesce(sum(a.covers), 0), 'check_ins', coalesce(sum(a.check_ins), 0),
           'peak_occupancy', coalesce(max(a.peak_occupancy), 0),
           'trading_days', count(DISTINCT a.business_date)
                             FILTER (WHERE a.bookings_total > 0 OR a.gross_revenue > 0 OR a.check_ins > 0),
           'currency', v_org.currency,
           'headline', (SELECT s -> 'data' ->> 'headline' FROM jsonb_array_elements(v_sections) s
                         WHERE s -> 'data' ? 'headline' LIMIT 1))
    INTO v_summary
    FROM reporting.daily_aggregations a
   WHERE a.organization_id = p_organization_id AND a.business_date BETWEEN p_period_start AND p_period_end
     AND (v_venue_id IS NULL OR a.venue_id = v_venue_id);

  v_snapshot := jsonb_build_object(
    'report', jsonb_build_object('template_key', v_template.template_key, 'version', v_template.version,
                                 'name', v_template.name, 'type', v_template.report_type,
                                 'description', v_template.description),
    'organization', jsonb_build_object('id', v_org.organization_id, 'name', v_org.name, 'currency', v_org.currency),
    'venues', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                        'id', v.venue_id, 'name', v.name, 'timezone', v.timezone, 'brand_colour', v.brand_colour,
                        'capacity', v.capacity, 'trading_day_starts', v.trading_day_starts) ORDER BY v.venue_id), '[]')
                 FROM venue.venues v
                WHERE v.organization_id = p_organization_id AND (v_venue_id IS NULL OR v.venue_id = v_venue_id)),
    'filters', p_filters,
    'period', jsonb_build_object('start', p_period_start, 'end', p_period_end, 'kind', v_template.period_kind,
                                 'days', p_period_end - p_period_start + 1),
    'timezone', coalesce(v_venue.timezone, v_template.schedule_timezone),
    'formats', to_jsonb(v_formats),
    'generated_at', clock_timestamp(),
    'data_version', v_version,
    'warnings', v_warnings,
    'summary', v_summary,
    'sections', v_sections,
    'durations_ms', v_durations || jsonb_build_object(
      'total', round((extract(epoch FROM clock_timestamp() - v_started) * 1000)::numeric, 3)));

  INSERT INTO reporting.report_generation_history AS h
         (organization_id, template_id, template_key, template_version, venue_id, filters, period_start,
          period_end, timezone, formats, priority, status, request_key, data_version, job_id, run_id,
          snapshot, summary, warnings, data_rows, snapshot_bytes, requested_by, data_ready_at, generation_ms)
  VALUES (p_organization_id, v_template.template_id, v_template.template_key, v_template.version, v_venue_id,
          p_filters, p_period_start, p_period_end, v_snapshot ->> 'timezone', v_formats, p_priority,
          'data_ready', v_key, v_version, p_job_id, p_run_id, v_snapshot, v_summary, v_warnings,
          (SELECT coalesce(sum(jsonb_array_length(s -> 'data' -> 'rows')), 0)
             FROM jsonb_array_elements(v_sections) s WHERE jsonb_typeof(s -> 'data' -> 'rows') = 'array'),
          octet_length(v_snapshot::text), internal.current_actor(), clock_timestamp(),
          (v_snapshot -> 'durations_ms' ->> 'total')::numeric)
  RETURNING h.generation_id INTO v_id;
  -- One wake-up per transaction, however many reports it made (equal payloads fold).
  PERFORM pg_notify('nightcap_reports', 'data_ready');
  RETURN v_id;
END
$fn$;

COMMENT ON FUNCTION internal.generate_report(text, uuid, date, date, jsonb, text[], text, bigint, bigint, boolean) IS
  'api.generate_report with the job and run that asked for it (recorded in the history row).';
REVOKE ALL ON FUNCTION internal.generate_report(text, uuid, date, date, jsonb, text[], text, bigint, bigint, boolean) FROM PUBLIC;
