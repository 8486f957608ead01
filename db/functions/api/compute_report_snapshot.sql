-- api.compute_report_snapshot(template, organization, from, to, filters, formats): a report's snapshot, read only (runs on a hot standby).
-- Not SECURITY DEFINER: the engine's login (a member of nightcap_owner) calls it, on the primary or on a standby, and nobody else may.
CREATE OR REPLACE FUNCTION api.compute_report_snapshot(
  p_template_key    text,
  p_organization_id uuid,
  p_period_start    date,
  p_period_end      date,
  p_filters         jsonb DEFAULT '{}',
  p_formats         text[] DEFAULT NULL
)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
AS $fn$
DECLARE
  v_started timestamptz := clock_timestamp();
  v_request jsonb;
  v_venue_id bigint;
  v_version bigint;
  v_warnings jsonb;
BEGIN
  /*
   * The read half of api.generate_report, for `nightcap scheduler` with
   * NIGHTCAP_READ_URL (renderer.report_reader): the same checks and the same
   * snapshot (internal.build_report_snapshot), data_version and warnings
   * included, but nothing written, so it runs on a hot standby; the primary
   * stores the result with api.store_report_snapshot. STABLE: PostgreSQL
   * itself refuses a write here.
   *
   * What generate_report writes before it reads must be there already: the
   * organization's system templates (internal.ensure_report_templates) and
   * its analytics salt (for the pseudonymous keys of top_customers). The
   * reader makes sure of both on the primary first (api.prepare_report_read)
   * and reads only once the standby has replayed past that point. A
   * template not there is P0002, as is an unknown organization or venue;
   * 22004 a missing argument; 22023 a bad period, filter or format.
   */
  v_request := internal.check_report_request(p_template_key, p_organization_id, p_period_start, p_period_end,
                                             p_filters, p_formats, 'normal', false);
  v_venue_id := (v_request ->> 'venue_id')::bigint;
  SELECT dv.version INTO v_version
    FROM internal.organization_data_versions dv WHERE dv.organization_id = p_organization_id;
  v_warnings := internal.report_warnings(p_organization_id, v_venue_id, p_period_start, p_period_end);
  RETURN internal.build_report_snapshot((v_request ->> 'template_id')::bigint, p_organization_id, v_venue_id,
                                        p_period_start, p_period_end, v_request -> 'filters',
                                        ARRAY(SELECT jsonb_array_elements_text(v_request -> 'formats')),
                                        coalesce(v_version, 0), v_warnings, v_started);
END
$fn$;

COMMENT ON FUNCTION api.compute_report_snapshot(text, uuid, date, date, jsonb, text[]) IS
  'Computes a report''s JSONB snapshot exactly as api.generate_report would, writing nothing (STABLE), so it can run on a hot standby; store it on the primary with api.store_report_snapshot.';
REVOKE ALL ON FUNCTION api.compute_report_snapshot(text, uuid, date, date, jsonb, text[]) FROM PUBLIC;
