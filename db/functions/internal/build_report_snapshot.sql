-- internal.build_report_snapshot(...): a report's JSONB snapshot, read-only (primary or hot standby).
CREATE OR REPLACE FUNCTION internal.build_report_snapshot(
  p_template_id     bigint,
  p_organization_id uuid,
  p_venue_id        bigint,
  p_period_start    date,
  p_period_end      date,
  p_filters         jsonb,
  p_formats         text[],
  p_data_version    bigint,
  p_warnings        jsonb,
  p_started         timestamptz
)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
AS $fn$
DECLARE
  v_template  reporting.report_templates;
  v_org       venue.organizations;
  v_venue     venue.venues;
  v_section   record;
  v_params    jsonb;
  v_function  regprocedure;
  v_data      jsonb;
  v_sections  jsonb := '[]';
  v_durations jsonb := '{}';
  v_t0        timestamptz;
  v_summary   jsonb;
BEGIN
  /*
   * The snapshot of a checked request (internal.check_report_request):
   * every section from the dataset registry (never from SQL stored in a
   * section), in position order, the headline summary and the metadata.
   * STABLE, and so it cannot write: it is the part of generate_report that
   * may run on a hot standby (api.compute_report_snapshot). What the
   * datasets need written first, the organization's analytics salt for
   * internal.dataset_top_customers' pseudonymous keys, the caller makes sure
   * of on the primary. durations_ms.total counts from p_started.
   */
  SELECT * INTO STRICT v_template FROM reporting.report_templates t WHERE t.template_id = p_template_id;
  SELECT * INTO STRICT v_org FROM venue.organizations o WHERE o.organization_id = p_organization_id;
  IF p_venue_id IS NOT NULL THEN
    SELECT * INTO STRICT v_venue FROM venue.venues v
     WHERE v.organization_id = p_organization_id AND v.venue_id = p_venue_id;
  END IF;

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
       INTO v_data USING p_organization_id, p_venue_id, p_period_start, p_period_end, v_params;
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
     AND (p_venue_id IS NULL OR a.venue_id = p_venue_id);

  RETURN jsonb_build_object(
    'report', jsonb_build_object('template_key', v_template.template_key, 'version', v_template.version,
                                 'name', v_template.name, 'type', v_template.report_type,
                                 'description', v_template.description),
    'organization', jsonb_build_object('id', v_org.organization_id, 'name', v_org.name, 'currency', v_org.currency),
    'venues', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                        'id', v.venue_id, 'name', v.name, 'timezone', v.timezone, 'brand_colour', v.brand_colour,
                        'capacity', v.capacity, 'trading_day_starts', v.trading_day_starts) ORDER BY v.venue_id), '[]')
                 FROM venue.venues v
                WHERE v.organization_id = p_organization_id AND (p_venue_id IS NULL OR v.venue_id = p_venue_id)),
    'filters', p_filters,
    'period', jsonb_build_object('start', p_period_start, 'end', p_period_end, 'kind', v_template.period_kind,
                                 'days', p_period_end - p_period_start + 1),
    'timezone', coalesce(v_venue.timezone, v_template.schedule_timezone),
    'formats', to_jsonb(p_formats),
    'generated_at', clock_timestamp(),
    'data_version', p_data_version,
    'warnings', p_warnings,
    'summary', v_summary,
    'sections', v_sections,
    'durations_ms', v_durations || jsonb_build_object(
      'total', round((extract(epoch FROM clock_timestamp() - p_started) * 1000)::numeric, 3)));
END
$fn$;

COMMENT ON FUNCTION internal.build_report_snapshot(bigint, uuid, bigint, date, date, jsonb, text[], bigint, jsonb, timestamptz) IS
  'The JSONB snapshot of a checked report request (sections from registered datasets, summary, metadata); STABLE, writes nothing, so it runs on a hot standby too.';
REVOKE ALL ON FUNCTION internal.build_report_snapshot(bigint, uuid, bigint, date, date, jsonb, text[], bigint, jsonb, timestamptz) FROM PUBLIC;
