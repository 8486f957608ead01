-- internal.dataset_revenue_breakdown(organization, venue, from, to, params): gross revenue by kind, refunds and net.
CREATE OR REPLACE FUNCTION internal.dataset_revenue_breakdown(
  p_organization_id uuid,
  p_venue_id        bigint,
  p_from            date,
  p_to              date,
  p_params          jsonb
)
RETURNS jsonb
LANGUAGE sql
STABLE
AS $fn$
  /*
   * Revenue of the period from reporting.daily_aggregations (DESIGN.md:
   * succeeded payments by the business_date of paid_at): rows bar, table,
   * ticket and deposits (which add up to gross revenue), then refunds and
   * net revenue; each with its share of gross and the same days a week
   * earlier (previous, change as a fraction, 0.10 = +10%). totals is the
   * gross line; metrics gives gross, refunds and net as tiles, with the
   * payments counted. An empty period gives zero amounts and NULL shares.
   * p_params: none.
   */
  WITH a AS (
    SELECT a.business_date >= p_from AS is_current,
           a.gross_revenue, a.refunds, a.net_revenue, a.deposits, a.bar_revenue,
           a.table_revenue, a.ticket_revenue, a.payments_succeeded, a.payments_failed
      FROM reporting.daily_aggregations a
     WHERE a.organization_id = p_organization_id AND (p_venue_id IS NULL OR a.venue_id = p_venue_id)
       AND (a.business_date BETWEEN p_from AND p_to OR a.business_date BETWEEN p_from - 7 AND p_to - 7)
  ), s AS (
    SELECT coalesce(sum(a.gross_revenue) FILTER (WHERE a.is_current), 0) AS gross,
           coalesce(sum(a.gross_revenue) FILTER (WHERE NOT a.is_current), 0) AS p_gross,
           coalesce(sum(a.refunds) FILTER (WHERE a.is_current), 0) AS refunds,
           coalesce(sum(a.refunds) FILTER (WHERE NOT a.is_current), 0) AS p_refunds,
           coalesce(sum(a.net_revenue) FILTER (WHERE a.is_current), 0) AS net,
           coalesce(sum(a.net_revenue) FILTER (WHERE NOT a.is_current), 0) AS p_net,
           coalesce(sum(a.bar_revenue) FILTER (WHERE a.is_current), 0) AS bar,
           coalesce(sum(a.bar_revenue) FILTER (WHERE NOT a.is_current), 0) AS p_bar,
           coalesce(sum(a.table_revenue) FILTER (WHERE a.is_current), 0) AS tables,
           coalesce(sum(a.table_revenue) FILTER (WHERE NOT a.is_current), 0) AS p_tables,
           coalesce(sum(a.ticket_revenue) FILTER (WHERE a.is_current), 0) AS tickets,
           coalesce(sum(a.ticket_revenue) FILTER (WHERE NOT a.is_current), 0) AS p_tickets,
           coalesce(sum(a.deposits) FILTER (WHERE a.is_current), 0) AS deposits,
           coalesce(sum(a.deposits) FILTER (WHERE NOT a.is_current), 0) AS p_deposits,
           coalesce(sum(a.payments_succeeded) FILTER (WHERE a.is_current), 0) AS succeeded,
           coalesce(sum(a.payments_failed) FILTER (WHERE a.is_current), 0) AS failed
      FROM a
  ), lines AS (
    SELECT l.n, jsonb_build_object(
             'key', l.key, 'component', l.label, 'kind', l.kind, 'amount', round(l.amount, 2),
             'share', round(l.amount / nullif(s.gross, 0), 4), 'previous', round(l.previous, 2),
             'change', round((l.amount - l.previous) / nullif(abs(l.previous), 0), 4)) AS row
      FROM s CROSS JOIN LATERAL (VALUES
        (1, 'bar', 'Bar', 'revenue', s.bar, s.p_bar),
        (2, 'table', 'Tables', 'revenue', s.tables, s.p_tables),
        (3, 'ticket', 'Tickets', 'revenue', s.tickets, s.p_tickets),
        (4, 'deposit', 'Deposits', 'revenue', s.deposits, s.p_deposits),
        (5, 'refunds', 'Refunds', 'refund', s.refunds, s.p_refunds),
        (6, 'net', 'Net revenue', 'net', s.net, s.p_net),
        (0, 'gross', 'Gross revenue', 'gross', s.gross, s.p_gross)
      ) AS l(n, key, label, kind, amount, previous)
  )
  SELECT jsonb_build_object(
    'columns', jsonb_build_array(
      jsonb_build_object('key', 'component', 'label', 'Revenue', 'type', 'text'),
      jsonb_build_object('key', 'amount', 'label', 'Amount', 'type', 'currency'),
      jsonb_build_object('key', 'share', 'label', 'Share of gross', 'type', 'ratio'),
      jsonb_build_object('key', 'previous', 'label', 'A week earlier', 'type', 'currency'),
      jsonb_build_object('key', 'change', 'label', 'Change', 'type', 'ratio')),
    'rows', (SELECT jsonb_agg(lines.row ORDER BY lines.n) FROM lines WHERE lines.n > 0),
    'totals', (SELECT lines.row FROM lines WHERE lines.n = 0),
    'metrics', jsonb_build_array(
      jsonb_build_object('code', 'gross_revenue', 'label', 'Gross revenue', 'unit', 'currency',
                         'value', round(s.gross, 2), 'previous', round(s.p_gross, 2),
                         'change', round((s.gross - s.p_gross) / nullif(s.p_gross, 0), 4), 'direction', 'higher_better'),
      jsonb_build_object('code', 'refunds', 'label', 'Refunds', 'unit', 'currency',
                         'value', round(s.refunds, 2), 'previous', round(s.p_refunds, 2),
                         'change', round((s.refunds - s.p_refunds) / nullif(s.p_refunds, 0), 4), 'direction', 'lower_better'),
      jsonb_build_object('code', 'net_revenue', 'label', 'Net revenue', 'unit', 'currency',
                         'value', round(s.net, 2), 'previous', round(s.p_net, 2),
                         'change', round((s.net - s.p_net) / nullif(abs(s.p_net), 0), 4), 'direction', 'higher_better'),
      jsonb_build_object('code', 'payments_succeeded', 'label', 'Payments taken', 'unit', 'count',
                         'value', s.succeeded, 'direction', 'higher_better'),
      jsonb_build_object('code', 'payments_failed', 'label', 'Payments failed', 'unit', 'count',
                         'value', s.failed, 'direction', 'lower_better')),
    'chart', jsonb_build_object(
      'type', 'bar',
      'x', jsonb_build_object('key', 'component', 'label', 'Revenue'),
      'series', jsonb_build_array(
        jsonb_build_object('key', 'amount', 'label', 'This period', 'unit', 'currency'),
        jsonb_build_object('key', 'previous', 'label', 'A week earlier', 'unit', 'currency'))),
    'comparison_period', jsonb_build_object('from', p_from - 7, 'to', p_to - 7))
    FROM s
$fn$;

COMMENT ON FUNCTION internal.dataset_revenue_breakdown(uuid, bigint, date, date, jsonb) IS
  'Report dataset revenue_breakdown: bar, table, ticket and deposit revenue, refunds and net, each with its share of gross and the same days a week earlier, from reporting.daily_aggregations.';
REVOKE ALL ON FUNCTION internal.dataset_revenue_breakdown(uuid, bigint, date, date, jsonb) FROM PUBLIC;
