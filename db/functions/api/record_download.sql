-- api.record_download(generation, format, details): a report file was downloaded through a signed link.
CREATE OR REPLACE FUNCTION api.record_download(
  p_generation_id bigint,
  p_format        text,
  p_details       jsonb DEFAULT '{}'
)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_report   record;
  v_file     jsonb;
  v_details  jsonb := coalesce(p_details, '{}');
  v_delivery record;
  v_ip_key   text;
BEGIN
  /*
   * The renderer's link server calls this each time it has served a report
   * file through a signed link: report.downloaded in audit.events, with when
   * (the event's time), by whom (the session's actor, which the link server
   * sets to 'signed-link'; the link names a file, not a person, so the
   * client's network (its IP address, and those a proxy's X-Forwarded-For
   * names, cut to /24 or /48 by internal.anonymised_ip: the log outlives the
   * retention policy) and user agent, and the delivery and recipient when
   * the details name a delivery) and what (the report, the format, the file's
   * key and size). Returns the event's id.
   *
   * SECURITY DEFINER, on purpose: the daemon's role nightcap_renderer may
   * neither read the report history (row-level security) nor write the audit
   * log; this one function lets it record a download of a report that exists
   * and has that file, and nothing else. Every name is schema-qualified and
   * the search_path pinned.
   *
   * p_details: any of client_ip, user_agent, key (the file's storage key,
   * checked against the report's), link_expires_at, delivery_id (checked to
   * be a delivery of this report), method. 22004 without a report or format;
   * 22023 for details that are not an object, a format the report has no
   * file of, a key or delivery that is not the report's; P0002 unknown
   * report; 55000 a report that is not completed.
   */
  IF p_generation_id IS NULL OR p_format IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
      MESSAGE = 'record_download needs the report (generation id) and the format downloaded';
  END IF;
  IF jsonb_typeof(v_details) <> 'object' THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('record_download: details must be a JSON object, got %s', left(v_details::text, 200));
  END IF;

  SELECT h.organization_id, h.generation_id, h.status, h.files, h.template_key
    INTO v_report
    FROM reporting.report_generation_history h
   WHERE h.generation_id = p_generation_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'no_data_found',
      MESSAGE = format('record_download: no report %s', p_generation_id);
  END IF;
  IF v_report.status <> 'completed' THEN
    RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
      MESSAGE = format('record_download: report %s is %s, not completed', p_generation_id, v_report.status),
      HINT = 'Only a completed report has files to download.';
  END IF;
  SELECT f INTO v_file
    FROM jsonb_array_elements(v_report.files) f
   WHERE f ->> 'format' = lower(p_format)
   LIMIT 1;
  IF v_file IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('record_download: report %s has no %s file', p_generation_id, p_format),
      HINT = (SELECT 'Its files: ' || coalesce(string_agg(f ->> 'format', ', '), 'none')
                FROM jsonb_array_elements(v_report.files) f);
  END IF;
  IF v_details ? 'key' AND v_file ? 'key' AND v_details ->> 'key' IS DISTINCT FROM v_file ->> 'key' THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('record_download: %s is not the %s file of report %s', v_details ->> 'key', p_format,
                       p_generation_id);
  END IF;
  IF v_details ? 'delivery_id' THEN
    SELECT d.delivery_id, d.recipient_id, d.subscription_id INTO v_delivery
      FROM reporting.report_delivery_history d
     WHERE d.organization_id = v_report.organization_id AND d.generation_id = p_generation_id
       AND d.delivery_id::text = v_details ->> 'delivery_id';
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
        MESSAGE = format('record_download: delivery %s is not a delivery of report %s', v_details ->> 'delivery_id',
                         p_generation_id);
    END IF;
    v_details := v_details || jsonb_build_object('delivery_id', v_delivery.delivery_id,
                                                 'recipient_id', v_delivery.recipient_id,
                                                 'subscription_id', v_delivery.subscription_id);
  END IF;

  -- Networks, not addresses (the log outlives retention): the client's, and
  -- each a proxy says it forwarded for; what is not an address is left out.
  FOREACH v_ip_key IN ARRAY ARRAY['client_ip', 'forwarded_for'] LOOP
    IF v_details ? v_ip_key THEN
      v_details := (v_details - v_ip_key)
                   || jsonb_strip_nulls(jsonb_build_object(v_ip_key, internal.anonymised_ip(v_details ->> v_ip_key)));
    END IF;
  END LOOP;

  RETURN internal.audit_event(
    v_report.organization_id, 'report.downloaded', 'report_execution', p_generation_id::text, NULL, NULL,
    v_details || jsonb_strip_nulls(jsonb_build_object(
      'format', lower(p_format), 'key', v_file ->> 'key', 'bytes', v_file -> 'bytes',
      'template_key', v_report.template_key)));
END
$fn$;

COMMENT ON FUNCTION api.record_download(bigint, text, jsonb) IS
  'Records report.downloaded in audit.events for a report file served through a signed link (client IP, kept as its /24 or /48 network, user agent, key, delivery in p_details); returns the event id. 22004 missing argument; 22023 bad details, format, key or delivery; P0002 unknown report; 55000 not completed.';
REVOKE ALL ON FUNCTION api.record_download(bigint, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.record_download(bigint, text, jsonb) TO nightcap_renderer;
