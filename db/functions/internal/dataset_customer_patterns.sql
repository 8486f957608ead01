-- internal.dataset_customer_patterns(organization, venue, from, to, params): who came, in what parties, booked how early, for what.
CREATE OR REPLACE FUNCTION internal.dataset_customer_patterns(
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
   * Customer behaviour in the period, as rows of one long table
   * (dimension, bucket, count, share of the dimension's total) that a
   * table lays out and a chart groups by dimension:
   *   customers   distinct customers with a booking not cancelled, new
   *               (first booking ever at any of the organization's venues
   *               on or after the period's start) or returning, from
   *               reporting.daily_customer_visits; VIPs among them
   *   party_size  bookings not cancelled by guests: 1-2, 3-4, 5-6, 7-10, 11+
   *   lead_time   bookings not cancelled by days from booked_at to
   *               arrives_at: same day (under 24 hours), 1-6, 7-13, 14-29, 30+
   *   occasion    bookings not cancelled by occasion
   *   night       bookings not cancelled by weekday of the trading day
   *               (reporting.daily_aggregations.parties)
   * Party sizes, lead times and occasions read the period's bookings
   * through their (organization, venue, arrives_at) index. metrics gives
   * the headline figures (customers, new, returning, VIP, new share,
   * average party size, median lead time in days). p_params: none.
   */
  WITH v AS (
    SELECT * FROM internal.venue_periods(p_organization_id, p_venue_id, p_from, p_to)
  ), people AS (
    SELECT d.customer_id, bool_and(d.customer_first_arrival >= v.lo) AS is_new
      FROM v
      JOIN reporting.daily_customer_visits d
        ON d.organization_id = v.organization_id AND d.venue_id = v.venue_id
       AND d.business_date BETWEEN p_from AND p_to
     GROUP BY d.customer_id
  ), cust AS (
    SELECT count(*) AS customers, count(*) FILTER (WHERE p.is_new) AS new,
           count(*) FILTER (WHERE NOT p.is_new) AS returning,
           count(*) FILTER (WHERE c.is_vip) AS vip
      FROM people p
      LEFT JOIN venue.customers c ON c.organization_id = p_organization_id AND c.customer_id = p.customer_id
  ), b AS (
    SELECT x.party_size, x.occasion, extract(epoch FROM x.arrives_at - x.booked_at) / 86400 AS lead_days
      FROM v
      JOIN venue.bookings x
        ON x.organization_id = v.organization_id AND x.venue_id = v.venue_id
       AND x.arrives_at >= v.lo AND x.arrives_at < v.hi
     WHERE x.status <> 'cancelled'
  ), nights AS (
    SELECT extract(isodow FROM a.business_date)::int AS dow, sum(a.parties) AS parties
      FROM reporting.daily_aggregations a
     WHERE a.organization_id = p_organization_id AND (p_venue_id IS NULL OR a.venue_id = p_venue_id)
       AND a.business_date BETWEEN p_from AND p_to
     GROUP BY 1
  ), buckets AS (
    SELECT 1 AS dn, 'customers' AS dimension, 'Customers' AS dimension_label, 1 AS bn, 'New' AS bucket, cust.new AS count FROM cust
    UNION ALL SELECT 1, 'customers', 'Customers', 2, 'Returning', cust.returning FROM cust
    UNION ALL
    SELECT 2, 'party_size', 'Party size', k.n, k.label, count(b.party_size)
      FROM (VALUES (1, '1-2', 1, 2), (2, '3-4', 3, 4), (3, '5-6', 5, 6), (4, '7-10', 7, 10), (5, '11+', 11, 500)) AS k(n, label, lo, hi)
      LEFT JOIN b ON b.party_size BETWEEN k.lo AND k.hi
     GROUP BY k.n, k.label
    UNION ALL
    SELECT 3, 'lead_time', 'Booked ahead', k.n, k.label, count(b.lead_days)
      FROM (VALUES (1, 'Same day', -1e9, 1), (2, '1-6 days', 1, 7), (3, '7-13 days', 7, 14),
                   (4, '14-29 days', 14, 30), (5, '30+ days', 30, 1e9)) AS k(n, label, lo, hi)
      LEFT JOIN b ON b.lead_days >= k.lo AND b.lead_days < k.hi
     GROUP BY k.n, k.label
    UNION ALL
    SELECT 4, 'occasion', 'Occasion', k.n, k.label, count(b.occasion)
      FROM (VALUES (1, 'birthday', 'Birthday'), (2, 'anniversary', 'Anniversary'), (3, 'other', 'Other occasion'),
                   (4, 'none', 'No occasion')) AS k(n, code, label)
      LEFT JOIN b ON b.occasion = k.code
     GROUP BY k.n, k.label
    UNION ALL
    SELECT 5, 'night', 'Night', n.dow, to_char(date '2024-01-01' + n.dow - 1, 'FMDay'), n.parties
      FROM nights n
  ), rows AS (
    SELECT bk.*, round(bk.count / nullif(sum(bk.count) OVER (PARTITION BY bk.dn), 0), 4) AS share FROM buckets bk
  )
  SELECT jsonb_build_object(
    'columns', jsonb_build_array(
      jsonb_build_object('key', 'dimension_label', 'label', 'Pattern', 'type', 'text'),
      jsonb_build_object('key', 'bucket', 'label', 'Group', 'type', 'text'),
      jsonb_build_object('key', 'count', 'label', 'Count', 'type', 'count'),
      jsonb_build_object('key', 'share', 'label', 'Share', 'type', 'ratio')),
    'rows', coalesce((SELECT jsonb_agg(jsonb_build_object(
                        'dimension', r.dimension, 'dimension_label', r.dimension_label,
                        'bucket', r.bucket, 'count', r.count, 'share', r.share) ORDER BY r.dn, r.bn)
                        FROM rows r), '[]'),
    'metrics', (
      SELECT jsonb_build_array(
        jsonb_build_object('code', 'customers', 'label', 'Customers', 'unit', 'people', 'value', cust.customers),
        jsonb_build_object('code', 'customers_new', 'label', 'New customers', 'unit', 'people', 'value', cust.new),
        jsonb_build_object('code', 'customers_returning', 'label', 'Returning customers', 'unit', 'people', 'value', cust.returning),
        jsonb_build_object('code', 'customers_vip', 'label', 'VIP customers', 'unit', 'people', 'value', cust.vip),
        jsonb_build_object('code', 'new_customer_share', 'label', 'New customer share', 'unit', 'ratio',
                           'value', round(cust.new::numeric / nullif(cust.customers, 0), 4)),
        jsonb_build_object('code', 'average_party_size', 'label', 'Average party size', 'unit', 'people',
                           'value', (SELECT round(avg(b.party_size), 2) FROM b)),
        jsonb_build_object('code', 'median_lead_time', 'label', 'Median days booked ahead', 'unit', 'count',
                           'value', (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY b.lead_days)::numeric, 1) FROM b)))
        FROM cust),
    'chart', jsonb_build_object(
      'type', 'bar',
      'x', jsonb_build_object('key', 'bucket', 'label', 'Group'),
      'group', 'dimension_label',
      'series', jsonb_build_array(jsonb_build_object('key', 'count', 'label', 'Count', 'unit', 'count'))))
$fn$;

COMMENT ON FUNCTION internal.dataset_customer_patterns(uuid, bigint, date, date, jsonb) IS
  'Report dataset customer_patterns: new, returning and VIP customers, party sizes, booking lead times, occasions and nights of the period, as one long table with shares, plus headline metrics.';
REVOKE ALL ON FUNCTION internal.dataset_customer_patterns(uuid, bigint, date, date, jsonb) FROM PUBLIC;
