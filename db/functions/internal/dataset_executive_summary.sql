-- internal.dataset_executive_summary(organization, venue, from, to, params): the report's opening sentences.
CREATE OR REPLACE FUNCTION internal.dataset_executive_summary(
  p_organization_id uuid,
  p_venue_id        bigint,
  p_from            date,
  p_to              date,
  p_params          jsonb
)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
AS $fn$
DECLARE
  v_compare  text := coalesce(p_params ->> 'compare', 'week_ago');
  v_offset   integer := CASE coalesce(p_params ->> 'compare', 'week_ago') WHEN 'year_ago' THEN 364 ELSE 7 END;
  v_currency text;
  v_scope    text;
  v_when     text;
  v_against  text;
  v_cur      record;
  v_prev     record;
  v_kpis     jsonb;
  v_off      text[];
  v_scored   integer;
  v_headline text;
  v_paras    text[];
BEGIN
  /*
   * Headline, paragraphs and highlight tiles written from the period's
   * numbers (reporting.daily_aggregations) against the same days 7 (or,
   * params.compare = year_ago, 364) days earlier, and the KPIs at warning
   * or critical with the threshold they crossed (internal.dataset_kpis with
   * the same comparison). Money is written in the organization's currency.
   * A period without trading (no check-ins, bookings or revenue) gets a
   * headline that says so, zero tiles, and what the comparison period did.
   */
  SELECT o.currency, coalesce(v.name, o.name)
    INTO v_currency, v_scope
    FROM venue.organizations o
    LEFT JOIN venue.venues v ON v.organization_id = o.organization_id AND v.venue_id = p_venue_id
   WHERE o.organization_id = p_organization_id;

  v_when := CASE WHEN p_from = p_to THEN 'on ' || to_char(p_from, 'FMDay FMDD FMMonth YYYY')
                 ELSE format('from %s to %s', to_char(p_from, 'FMDD FMMonth YYYY'), to_char(p_to, 'FMDD FMMonth YYYY')) END;
  v_against := CASE WHEN p_from = p_to THEN 'the same night last ' || CASE v_offset WHEN 7 THEN 'week' ELSE 'year' END
                    WHEN p_to - p_from = 6 AND v_offset = 7 THEN 'the week before'
                    WHEN p_to - p_from = 6 THEN 'the same week last year'
                    ELSE 'the same days ' || CASE v_offset WHEN 7 THEN 'a week earlier' ELSE 'last year' END END;

  -- The two periods' figures, each in one pass over its rollup rows.
  SELECT coalesce(sum(a.gross_revenue), 0) AS gross, coalesce(sum(a.net_revenue), 0) AS net,
         coalesce(sum(a.refunds), 0) AS refunds, coalesce(sum(a.bookings_total), 0) AS bookings,
         coalesce(sum(a.bookings_cancelled), 0) AS cancelled, coalesce(sum(a.bookings_no_show), 0) AS no_shows,
         coalesce(sum(a.covers), 0) AS covers, coalesce(sum(a.check_ins), 0) AS check_ins,
         bool_or(a.check_ins > 0 OR a.bookings_total > 0 OR a.gross_revenue > 0) IS TRUE AS traded,
         (array_agg(a.peak_occupancy ORDER BY a.occupancy_rate DESC, a.business_date))[1] AS peak,
         max(a.occupancy_rate) AS occupancy,
         (array_agg(a.peak_hour ORDER BY a.occupancy_rate DESC, a.business_date))[1] AS peak_hour,
         (array_agg(a.business_date ORDER BY a.occupancy_rate DESC, a.business_date))[1] AS peak_date
    INTO v_cur
    FROM reporting.daily_aggregations a
   WHERE a.organization_id = p_organization_id AND (p_venue_id IS NULL OR a.venue_id = p_venue_id)
     AND a.business_date BETWEEN p_from AND p_to;

  SELECT coalesce(sum(a.gross_revenue), 0) AS gross, coalesce(sum(a.net_revenue), 0) AS net,
         coalesce(sum(a.bookings_total), 0) AS bookings, coalesce(sum(a.covers), 0) AS covers,
         coalesce(sum(a.check_ins), 0) AS check_ins, max(a.occupancy_rate) AS occupancy,
         bool_or(a.check_ins > 0 OR a.bookings_total > 0 OR a.gross_revenue > 0) IS TRUE AS traded
    INTO v_prev
    FROM reporting.daily_aggregations a
   WHERE a.organization_id = p_organization_id AND (p_venue_id IS NULL OR a.venue_id = p_venue_id)
     AND a.business_date BETWEEN p_from - v_offset AND p_to - v_offset;

  v_kpis := internal.dataset_kpis(p_organization_id, p_venue_id, p_from, p_to,
                                  jsonb_build_object('compare', v_compare));

  -- "no-show rate at 10.3%, above the 8% warning threshold", worst first.
  SELECT array_agg(format('%s at %s, %s the %s %s threshold',
                          CASE WHEN substr(m ->> 'label', 2, 1) ~ '[a-z]'
                               THEN lower(left(m ->> 'label', 1)) || substr(m ->> 'label', 2)
                               ELSE m ->> 'label' END,
                          internal.report_format_value((m ->> 'value')::numeric, m ->> 'unit', v_currency),
                          CASE m ->> 'direction' WHEN 'higher_better' THEN 'below' ELSE 'above' END,
                          internal.report_format_value((m ->> ((m ->> 'status') || '_threshold'))::numeric,
                                                       m ->> 'unit', v_currency),
                          m ->> 'status')
                   ORDER BY m ->> 'status', n),
         (SELECT count(*) FROM jsonb_array_elements(v_kpis -> 'metrics') x WHERE x ->> 'status' IS NOT NULL)
    INTO v_off, v_scored
    FROM jsonb_array_elements(v_kpis -> 'metrics') WITH ORDINALITY AS e(m, n)
   WHERE m ->> 'status' IN ('warning', 'critical');

  IF NOT v_cur.traded THEN
    v_headline := format('No trading at %s %s', v_scope, v_when);
    v_paras := ARRAY[concat_ws(' ',
      format('No bookings, check-ins or revenue were recorded %s.', v_when),
      CASE WHEN v_cur.refunds > 0
           THEN format('Refunds of %s were paid out.', internal.report_format_value(v_cur.refunds, 'currency', v_currency)) END,
      CASE WHEN v_prev.traded
           THEN format('%s took %s, with %s bookings.', upper(left(v_against, 1)) || substr(v_against, 2),
                       internal.report_format_value(v_prev.gross, 'currency', v_currency),
                       internal.report_format_value(v_prev.bookings, 'count')) END)];
  ELSE
    v_headline := format('Revenue %s, %s; %s',
      internal.report_format_value(v_cur.gross, 'currency', v_currency),
      internal.report_change_phrase(v_cur.gross, v_prev.gross, v_against),
      CASE WHEN v_off IS NOT NULL THEN v_off[1]
           WHEN v_scored > 0 THEN format('all %s KPIs with a value on target', v_scored)
           ELSE 'no KPI could be scored' END);
    v_paras := ARRAY[
      format('Gross revenue %s, %s; %s %s.',
             internal.report_format_value(v_cur.gross, 'currency', v_currency),
             CASE WHEN v_cur.refunds = 0 THEN 'with no refunds'
                  ELSE format('net %s after %s of refunds',
                              internal.report_format_value(v_cur.net, 'currency', v_currency),
                              internal.report_format_value(v_cur.refunds, 'currency', v_currency)) END,
             v_against, CASE WHEN v_prev.traded
                             THEN 'took ' || internal.report_format_value(v_prev.gross, 'currency', v_currency)
                             ELSE 'had no trading' END),
      format('%s bookings for %s guests, %s; %s cancelled and %s no-shows.',
             internal.report_format_value(v_cur.bookings, 'count'),
             internal.report_format_value(v_cur.covers, 'count'),
             internal.report_change_phrase(v_cur.bookings, v_prev.bookings, v_against),
             internal.report_format_value(v_cur.cancelled, 'count'),
             internal.report_format_value(v_cur.no_shows, 'count')),
      format('%s people checked in, %s%s.',
             internal.report_format_value(v_cur.check_ins, 'count'),
             internal.report_change_phrase(v_cur.check_ins, v_prev.check_ins, v_against),
             CASE WHEN v_cur.check_ins > 0 THEN
               format('; occupancy peaked at %s, %s of capacity%s%s',
                      internal.report_format_value(v_cur.peak, 'count'),
                      internal.report_format_value(v_cur.occupancy, 'ratio'),
                      CASE WHEN v_cur.peak_hour IS NOT NULL THEN format(' in the %s:00 hour', lpad(v_cur.peak_hour::text, 2, '0')) END,
                      CASE WHEN p_from <> p_to THEN ' on ' || to_char(v_cur.peak_date, 'FMDay FMDD FMMonth') END)
             ELSE '' END),
      CASE WHEN v_off IS NOT NULL THEN 'Off target: ' || array_to_string(v_off, '; ') || '.'
           WHEN v_scored > 0 THEN format('All %s KPIs with a value are on target.', v_scored) END];
  END IF;

  RETURN jsonb_build_object(
    'headline', v_headline,
    'paragraphs', to_jsonb(array_remove(v_paras, NULL)),
    'compare', v_compare,
    'comparison_period', jsonb_build_object('from', p_from - v_offset, 'to', p_to - v_offset),
    'currency', v_currency,
    'traded', v_cur.traded,
    'highlights', (
      SELECT jsonb_agg(jsonb_build_object(
               'label', h.label, 'value', h.value, 'unit', h.unit, 'previous', h.previous,
               'change', round((h.value - h.previous) / nullif(abs(h.previous), 0), 4),
               'status', (SELECT x ->> 'status' FROM jsonb_array_elements(v_kpis -> 'metrics') x
                           WHERE x ->> 'code' = h.kpi)) ORDER BY h.n)
        FROM (VALUES
          (1, 'Gross revenue', round(v_cur.gross, 2), 'currency', round(v_prev.gross, 2), 'daily_revenue'),
          (2, 'Net revenue', round(v_cur.net, 2), 'currency', round(v_prev.net, 2), 'net_revenue'),
          (3, 'Bookings', v_cur.bookings, 'count', v_prev.bookings, NULL),
          (4, 'Guests checked in', v_cur.check_ins, 'people', v_prev.check_ins, NULL),
          (5, 'Peak occupancy', coalesce(v_cur.occupancy, 0), 'ratio', coalesce(v_prev.occupancy, 0), 'occupancy_rate'),
          (6, 'No-show rate', (SELECT (x ->> 'value')::numeric FROM jsonb_array_elements(v_kpis -> 'metrics') x
                                WHERE x ->> 'code' = 'no_show_rate'), 'ratio',
                              (SELECT (x ->> 'previous')::numeric FROM jsonb_array_elements(v_kpis -> 'metrics') x
                                WHERE x ->> 'code' = 'no_show_rate'), 'no_show_rate')
        ) AS h(n, label, value, unit, previous, kpi)));
END
$fn$;

COMMENT ON FUNCTION internal.dataset_executive_summary(uuid, bigint, date, date, jsonb) IS
  'Report dataset executive_summary: headline, paragraphs and highlight tiles written from the period''s rollups and KPIs against the same days a week (or 364 days) earlier, in the organization''s currency.';
REVOKE ALL ON FUNCTION internal.dataset_executive_summary(uuid, bigint, date, date, jsonb) FROM PUBLIC;
