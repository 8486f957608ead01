-- api.complete_report(generation, worker, files, render_ms, peak_memory_kb): a report is rendered.
-- SECURITY DEFINER: the renderer daemon (nightcap_renderer) works across organizations and holds no table privileges; this is one of the few calls it is granted.
CREATE OR REPLACE FUNCTION api.complete_report(
  p_generation_id  bigint,
  p_worker         text,
  p_files          jsonb,
  p_render_ms      jsonb DEFAULT '{}',
  p_peak_memory_kb bigint DEFAULT NULL
)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_report  reporting.report_generation_history;
  v_missing text;
BEGIN
  /*
   * Marks a report p_worker rendered as completed, with its files: a JSON
   * array with one {"format", "uri", "path", "bytes", "sha256", "pages"}
   * per format the report asked for (pages for PDF only), per-format render
   * durations in ms, and the daemon's peak memory. Its attempt is recorded
   * succeeded. 22023 when the files do not cover the requested formats or
   * lack a field; P0002 / 55000 as api.heartbeat_report.
   */
  v_report := internal.rendering_report(p_generation_id, p_worker, 'complete_report');
  IF p_files IS NULL OR jsonb_typeof(p_files) <> 'array'
     OR jsonb_path_exists(p_files, '$[*] ? (!(exists(@.format) && exists(@.uri) && exists(@.bytes) && exists(@.sha256)))')
     OR jsonb_path_exists(p_files, '$[*] ? (@.sha256.type() != "string" || !(@.sha256 like_regex "^[0-9a-f]{64}$"))')
     OR jsonb_path_exists(p_files, '$[*] ? (@.bytes.type() != "number" || @.bytes < 0)') THEN
    RAISE EXCEPTION 'complete_report: files must be an array of {"format", "uri", "bytes", "sha256", "pages"}, got %',
      left(coalesce(p_files::text, 'NULL'), 200) USING ERRCODE = '22023';
  END IF;
  SELECT string_agg(f, ', ') INTO v_missing
    FROM unnest(v_report.formats) f
   WHERE NOT p_files @> jsonb_build_array(jsonb_build_object('format', f));
  IF v_missing IS NOT NULL THEN
    RAISE EXCEPTION 'complete_report: report % asked for % too', p_generation_id, v_missing USING ERRCODE = '22023';
  END IF;
  UPDATE reporting.report_generation_history h
     SET status = 'completed', completed_at = clock_timestamp(), files = p_files,
         render_ms = coalesce(p_render_ms, '{}'), peak_memory_kb = p_peak_memory_kb,
         lease_expires_at = NULL, heartbeat_at = NULL
   WHERE h.organization_id = v_report.organization_id AND h.generation_id = p_generation_id;
  UPDATE reporting.report_render_attempts a
     SET status = 'succeeded', finished_at = clock_timestamp(), render_ms = p_render_ms, peak_memory_kb = p_peak_memory_kb
   WHERE a.organization_id = v_report.organization_id AND a.generation_id = p_generation_id
     AND a.attempt = v_report.render_attempts;
END
$fn$;

COMMENT ON FUNCTION api.complete_report(bigint, text, jsonb, jsonb, bigint) IS
  'Marks a rendered report completed with its files (format, uri, bytes, sha256, pages), render durations and peak memory; 22023 on files that do not match the request.';
REVOKE ALL ON FUNCTION api.complete_report(bigint, text, jsonb, jsonb, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.complete_report(bigint, text, jsonb, jsonb, bigint) TO nightcap_renderer;
