-- internal.dataset_top_customers(organization, venue, from, to, params): the period's best customers, by first name and initial.
CREATE OR REPLACE FUNCTION internal.dataset_top_customers(
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
   * The customers who spent most (params.rank_by = spend) or came most
   * (visits) in the period, params.limit of them:
   *   spend   their succeeded payments less refunds, by paid_at in the
   *           period; a payment names its customer or its booking's
   *   visits  trading days with a booking not cancelled
   *           (reporting.daily_customer_visits)
   * Ties go to the other measure, then the customer id. GDPR: a customer
   * appears only as first name and last initial ("Sarah K."), never with
   * email, phone or id; erased customers are left out. VIPs are marked.
   * Each row also carries the customer's pseudonymous key
   * (internal.customer_key) as the hidden field "_customer_key": it is in no
   * column, so no renderer shows it, and it is how api.erase_customer finds
   * the rows of stored snapshots that name a customer it erases
   * (internal.generate_report makes sure the organization has its salt).
   */
  WITH v AS (
    SELECT * FROM internal.venue_periods(p_organization_id, p_venue_id, p_from, p_to)
  ), facts AS (
    SELECT coalesce(p.customer_id, b.customer_id) AS customer_id,
           CASE WHEN p.kind = 'refund' THEN -p.amount ELSE p.amount END AS spend, 0 AS visits,
           NULL::date AS visit_date
      FROM v JOIN venue.payments p
        ON p.organization_id = v.organization_id AND p.venue_id = v.venue_id
       AND p.paid_at >= v.lo AND p.paid_at < v.hi
      LEFT JOIN venue.bookings b
        ON p.customer_id IS NULL AND b.organization_id = p.organization_id AND b.booking_id = p.booking_id
     WHERE p.status = 'succeeded' AND (p.customer_id IS NOT NULL OR p.booking_id IS NOT NULL)
    UNION ALL
    SELECT d.customer_id, 0, 1, d.business_date
      FROM v JOIN reporting.daily_customer_visits d
        ON d.organization_id = v.organization_id AND d.venue_id = v.venue_id
       AND d.business_date BETWEEN p_from AND p_to
  ), per AS (
    SELECT f.customer_id, sum(f.spend) AS spend, sum(f.visits) AS visits, max(f.visit_date) AS last_visit
      FROM facts f
     WHERE f.customer_id IS NOT NULL
     GROUP BY f.customer_id
  ), ranked AS (
    SELECT per.*, c.is_vip,
           internal.pseudonymous_key(
             (SELECT k.analytics_salt FROM internal.organization_secrets k
               WHERE k.organization_id = p_organization_id), per.customer_id) AS customer_key,
           concat_ws(' ', coalesce(nullif(btrim(c.first_name), ''), 'Guest'),
                     upper(left(nullif(btrim(c.last_name), ''), 1)) || '.') AS name,
           row_number() OVER (ORDER BY
             CASE WHEN p_params ->> 'rank_by' = 'visits' THEN per.visits ELSE per.spend END DESC,
             CASE WHEN p_params ->> 'rank_by' = 'visits' THEN per.spend ELSE per.visits END DESC,
             per.customer_id) AS rank
      FROM per
      JOIN venue.customers c ON c.organization_id = p_organization_id AND c.customer_id = per.customer_id
     WHERE c.erased_at IS NULL
  )
  SELECT jsonb_build_object(
    'columns', jsonb_build_array(
      jsonb_build_object('key', 'rank', 'label', '#', 'type', 'count'),
      jsonb_build_object('key', 'customer', 'label', 'Customer', 'type', 'text'),
      jsonb_build_object('key', 'is_vip', 'label', 'VIP', 'type', 'text'),
      jsonb_build_object('key', 'visits', 'label', 'Visits', 'type', 'count'),
      jsonb_build_object('key', 'spend', 'label', 'Spend', 'type', 'currency'),
      jsonb_build_object('key', 'last_visit', 'label', 'Last visit', 'type', 'date')),
    'rows', coalesce((SELECT jsonb_agg(jsonb_build_object(
                        'rank', r.rank, 'customer', r.name, 'is_vip', r.is_vip, 'visits', r.visits,
                        'spend', round(r.spend, 2), 'last_visit', r.last_visit,
                        '_customer_key', r.customer_key) ORDER BY r.rank)
                        FROM ranked r WHERE r.rank <= coalesce((p_params ->> 'limit')::int, 10)), '[]'),
    'rank_by', coalesce(p_params ->> 'rank_by', 'spend'))
$fn$;

COMMENT ON FUNCTION internal.dataset_top_customers(uuid, bigint, date, date, jsonb) IS
  'Report dataset top_customers: the period''s customers ranked by net spend or visits, shown by first name and last initial only (with the hidden pseudonymous _customer_key erasure finds them by), erased customers left out.';
REVOKE ALL ON FUNCTION internal.dataset_top_customers(uuid, bigint, date, date, jsonb) FROM PUBLIC;
