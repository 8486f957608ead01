-- internal.redact_snapshot(snapshot, customer key): a report snapshot without the rows that name one customer.
CREATE OR REPLACE FUNCTION internal.redact_snapshot(p_snapshot jsonb, p_customer_key text)
RETURNS jsonb
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $fn$
  /*
   * A dataset that names a customer (internal.dataset_top_customers) puts
   * the name in the row's "customer" and the customer's pseudonymous key
   * (internal.customer_key) in the hidden "_customer_key", which no
   * renderer shows. Every such row of p_customer_key, in every section,
   * keeps its figures (rank, visits, spend: nobody's identity without the
   * name) and loses the key, its name replaced by "Erased customer". Other
   * rows, sections and the order of everything are left as they were.
   */
  SELECT CASE
    WHEN p_snapshot IS NULL OR jsonb_typeof(p_snapshot -> 'sections') IS DISTINCT FROM 'array' THEN p_snapshot
    ELSE jsonb_set(p_snapshot, '{sections}', (
      SELECT coalesce(jsonb_agg(
               CASE WHEN jsonb_typeof(s -> 'data' -> 'rows') = 'array' THEN
                 jsonb_set(s, '{data,rows}', (
                   SELECT coalesce(jsonb_agg(
                            CASE WHEN jsonb_typeof(r) = 'object' AND r ->> '_customer_key' = p_customer_key
                                 THEN (r - '_customer_key') || jsonb_build_object('customer', 'Erased customer')
                                 ELSE r END
                            ORDER BY ro), '[]')
                     FROM jsonb_array_elements(s -> 'data' -> 'rows') WITH ORDINALITY AS x (r, ro)))
               ELSE s END
               ORDER BY so), '[]')
        FROM jsonb_array_elements(p_snapshot -> 'sections') WITH ORDINALITY AS y (s, so)))
  END
$fn$;

COMMENT ON FUNCTION internal.redact_snapshot(jsonb, text) IS
  'The snapshot with every row carrying _customer_key = p_customer_key renamed "Erased customer" and its key removed; everything else unchanged.';
REVOKE ALL ON FUNCTION internal.redact_snapshot(jsonb, text) FROM PUBLIC;
