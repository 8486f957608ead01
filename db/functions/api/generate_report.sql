-- api.generate_report(template, organization, from, to, filters, formats, priority): a report's snapshot, computed in the database.
-- SECURITY DEFINER: a manager or admin asks for a report of their organization; the snapshot is the engine's row, and the data it reads may be more than they could select (the owner's aggregates). internal.require_member checks the caller first.
CREATE OR REPLACE FUNCTION api.generate_report(
  p_template_key    text,
  p_organization_id uuid,
  p_period_start    date,
  p_period_end      date,
  p_filters         jsonb DEFAULT '{}',
  p_formats         text[] DEFAULT NULL,
  p_priority        text DEFAULT 'normal'
)
RETURNS bigint
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
  /*
   * Builds the JSONB snapshot of the organization's active version of
   * template p_template_key over the trading days p_period_start ..
   * p_period_end: every section's data from its registered dataset, in
   * position order, plus metadata (report, organization, venues with brand
   * colour and time zone, period, filters, formats, data-quality warnings,
   * headline figures, generated_at, per-section durations). Stores it in
   * reporting.report_generation_history as data_ready and NOTIFYs
   * nightcap_reports once per transaction; returns the generation_id.
   *
   * p_filters: {} or {"venue_id": n}. p_formats: a subset of the template's
   * formats (NULL = all of them). The same request within the template's
   * cache_ttl, with no re-aggregation since, returns the earlier
   * generation_id and counts a cache hit on it. A period without trading is
   * recorded as skipped (with the reason) when the template says so.
   *
   * Errors (nothing stored): 22004 a missing argument; P0002 an unknown
   * organization, template or venue; 22023 period end before start or
   * longer than a year, unknown filter, a format the template does not
   * allow, an unknown priority; 42501 a signed-in user who is not admin or
   * manager of the organization.
   */
  SELECT internal.require_member(p_organization_id, '{admin,manager}');
  SELECT internal.generate_report(p_template_key, p_organization_id, p_period_start, p_period_end,
                                  p_filters, p_formats, p_priority, NULL, NULL, true)
$fn$;

COMMENT ON FUNCTION api.generate_report(text, uuid, date, date, jsonb, text[], text) IS
  'Computes a report''s JSONB snapshot (every section, from registered datasets) into reporting.report_generation_history as data_ready, NOTIFYs the renderer, returns its id; reuses a cached snapshot within the template''s cache_ttl.';
REVOKE ALL ON FUNCTION api.generate_report(text, uuid, date, date, jsonb, text[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.generate_report(text, uuid, date, date, jsonb, text[], text) TO nightcap_admin, nightcap_manager;
