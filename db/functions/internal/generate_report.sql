-- internal.generate_report(...): api.generate_report, with the job run that asked for it (and perhaps a snapshot read on a standby).
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
  p_use_cache       boolean,
  p_snapshot        jsonb DEFAULT NULL
)
RETURNS bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_request   jsonb;
  v_template  reporting.report_templates;
  v_venue_id  bigint;
  v_venue     venue.venues;
  v_formats   text[];
  v_key       text;
  v_version   bigint;
  v_hit       bigint;
  v_warnings  jsonb;
  v_empty     boolean;
  v_started   timestamptz := clock_timestamp();
  v_snapshot  jsonb;
  v_read_from text;
  v_id        bigint;
BEGIN
  /*
   * See api.generate_report. Checks every argument before writing anything
   * (internal.check_report_request); the snapshot is built section by
   * section from the dataset registry (internal.build_report_snapshot).
   * Scheduled runs pass p_use_cache false: a scheduled report is always
   * generated afresh (seed 002), so it has its own row, tied to its run,
   * for its deliveries.
   *
   * p_snapshot: a snapshot already read for this very request by
   * api.compute_report_snapshot, perhaps on a hot standby, and stored here
   * on the primary instead of being computed again (api.store_report_snapshot).
   * Its warnings decide a skip and its data_version is recorded (the data it
   * was read from); its "read_from" says where it was read. It must be of
   * the request and of the template version active now: 22023 when it is
   * not the request's, 55000 when the template changed since it was read.
   */
  v_request := internal.check_report_request(p_template_key, p_organization_id, p_period_start, p_period_end,
                                             p_filters, p_formats, p_priority, true);
  -- Never beside an erasure of the organization's customer (api.erase_customer
  -- holds this lock alone): it waits for the reports being made to be stored,
  -- then redacts them; a report begun after it reads the anonymised rows.
  PERFORM pg_advisory_xact_lock_shared(hashtext('nightcap.erasure:' || p_organization_id::text));
  p_filters := v_request -> 'filters';
  v_venue_id := (v_request ->> 'venue_id')::bigint;
  v_formats := ARRAY(SELECT jsonb_array_elements_text(v_request -> 'formats'));
  SELECT * INTO STRICT v_template FROM reporting.report_templates t
   WHERE t.template_id = (v_request ->> 'template_id')::bigint;
  IF v_venue_id IS NOT NULL THEN
    SELECT * INTO STRICT v_venue FROM venue.venues v
     WHERE v.organization_id = p_organization_id AND v.venue_id = v_venue_id;
  END IF;
  IF p_snapshot IS NOT NULL THEN
    IF jsonb_typeof(p_snapshot) <> 'object'
       OR p_snapshot -> 'report' ->> 'template_key' IS DISTINCT FROM v_template.template_key
       OR p_snapshot -> 'organization' ->> 'id' IS DISTINCT FROM p_organization_id::text
       OR p_snapshot -> 'period' ->> 'start' IS DISTINCT FROM p_period_start::text
       OR p_snapshot -> 'period' ->> 'end' IS DISTINCT FROM p_period_end::text
       OR p_snapshot -> 'filters' IS DISTINCT FROM p_filters
       OR p_snapshot -> 'formats' IS DISTINCT FROM to_jsonb(v_formats)
       OR jsonb_typeof(p_snapshot -> 'warnings') IS DISTINCT FROM 'array'
       OR jsonb_typeof(p_snapshot -> 'data_version') IS DISTINCT FROM 'number' THEN
      RAISE EXCEPTION 'the snapshot given is not one of this request (% of organization %, % to %, filters %, formats %)',
        p_template_key, p_organization_id, p_period_start, p_period_end, p_filters, v_formats
        USING ERRCODE = '22023', HINT = 'Store what api.compute_report_snapshot returned for the same arguments.';
    END IF;
    IF (p_snapshot -> 'report' ->> 'version')::integer IS DISTINCT FROM v_template.version THEN
      RAISE EXCEPTION 'the snapshot was read from version % of template %, but version % is active now',
        p_snapshot -> 'report' ->> 'version', p_template_key, v_template.version
        USING ERRCODE = '55000', HINT = 'Read the snapshot again.';
    END IF;
    v_read_from := p_snapshot -> 'read_from' ->> 'source';
    IF v_read_from IS NOT NULL AND v_read_from NOT IN ('primary', 'standby') THEN
      RAISE EXCEPTION 'read_from.source must be primary or standby, got %', v_read_from USING ERRCODE = '22023';
    END IF;
  END IF;

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
  IF p_snapshot IS NOT NULL THEN
    v_version := (p_snapshot ->> 'data_version')::bigint;
    v_warnings := p_snapshot -> 'warnings';
  ELSE
    v_warnings := internal.report_warnings(p_organization_id, v_venue_id, p_period_start, p_period_end);
  END IF;

  v_empty := v_warnings @> '[{"code": "empty"}]';
  IF v_empty AND v_template.skip_when_empty THEN
    INSERT INTO reporting.report_generation_history AS h
           (organization_id, template_id, template_key, template_version, venue_id, filters, period_start,
            period_end, timezone, formats, priority, status, request_key, data_version, job_id, run_id,
            warnings, skip_reason, requested_by, generation_ms, read_from)
    VALUES (p_organization_id, v_template.template_id, v_template.template_key, v_template.version, v_venue_id,
            p_filters, p_period_start, p_period_end, coalesce(v_venue.timezone, v_template.schedule_timezone),
            v_formats, p_priority, 'skipped', v_key, v_version, p_job_id, p_run_id, v_warnings,
            format('no trading from %s to %s, and template %s is skipped when empty',
                   p_period_start, p_period_end, p_template_key),
            internal.current_actor(),
            coalesce((p_snapshot -> 'durations_ms' ->> 'total')::numeric,
                     round((extract(epoch FROM clock_timestamp() - v_started) * 1000)::numeric, 3)),
            v_read_from)
    RETURNING h.generation_id INTO v_id;
    RETURN v_id;
  END IF;

  IF p_snapshot IS NOT NULL THEN
    -- Read before now, perhaps on a standby behind the primary: a customer
    -- erased since is redacted as it is stored.
    v_snapshot := internal.redact_erased_customers(p_organization_id, p_snapshot);
  ELSE
    -- Datasets that name customers tag their rows with the pseudonymous key
    -- (internal.dataset_top_customers), which needs the organization's salt.
    PERFORM internal.organization_salt(p_organization_id);
    v_snapshot := internal.build_report_snapshot(v_template.template_id, p_organization_id, v_venue_id,
                                                 p_period_start, p_period_end, p_filters, v_formats,
                                                 v_version, v_warnings, v_started);
  END IF;

  INSERT INTO reporting.report_generation_history AS h
         (organization_id, template_id, template_key, template_version, venue_id, filters, period_start,
          period_end, timezone, formats, priority, status, request_key, data_version, job_id, run_id,
          snapshot, summary, warnings, data_rows, snapshot_bytes, requested_by, data_ready_at, generation_ms,
          read_from)
  VALUES (p_organization_id, v_template.template_id, v_template.template_key, v_template.version, v_venue_id,
          p_filters, p_period_start, p_period_end, v_snapshot ->> 'timezone', v_formats, p_priority,
          'data_ready', v_key, v_version, p_job_id, p_run_id, v_snapshot, v_snapshot -> 'summary', v_warnings,
          (SELECT coalesce(sum(jsonb_array_length(s -> 'data' -> 'rows')), 0)
             FROM jsonb_array_elements(v_snapshot -> 'sections') s WHERE jsonb_typeof(s -> 'data' -> 'rows') = 'array'),
          octet_length(v_snapshot::text), internal.current_actor(), clock_timestamp(),
          (v_snapshot -> 'durations_ms' ->> 'total')::numeric, v_read_from)
  RETURNING h.generation_id INTO v_id;
  -- One wake-up per transaction, however many reports it made (equal payloads fold).
  PERFORM pg_notify('nightcap_reports', 'data_ready');
  RETURN v_id;
END
$fn$;

COMMENT ON FUNCTION internal.generate_report(text, uuid, date, date, jsonb, text[], text, bigint, bigint, boolean, jsonb) IS
  'api.generate_report with the job and run that asked for it (recorded in the history row), storing a snapshot already read (perhaps on a hot standby) when one is given.';
REVOKE ALL ON FUNCTION internal.generate_report(text, uuid, date, date, jsonb, text[], text, bigint, bigint, boolean, jsonb) FROM PUBLIC;
