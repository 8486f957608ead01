-- internal.redact_erased_customers(organization, snapshot): a snapshot without the rows naming customers erased since it was read.
CREATE OR REPLACE FUNCTION internal.redact_erased_customers(p_organization_id uuid, p_snapshot jsonb)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
AS $fn$
DECLARE
  v_keys     text[];
  v_key      text;
  v_snapshot jsonb := p_snapshot;
BEGIN
  /*
   * internal.generate_report stores a snapshot read a moment (or, read on a
   * hot standby, a replication lag) before: a customer erased in between is
   * still named in it, and api.erase_customer, which redacts the snapshots
   * already stored, has come and gone. So the customers the snapshot names
   * (its rows' hidden _customer_key, internal.dataset_top_customers) are
   * looked up among the organization's erased customers, in one pass, as the
   * snapshot is stored, and their rows redacted as api.erase_customer would
   * have (internal.redact_snapshot). A snapshot that names nobody costs one
   * jsonpath scan and no query.
   */
  SELECT array_agg(DISTINCT r ->> '_customer_key') INTO v_keys
    FROM jsonb_path_query(p_snapshot, '$.sections[*].data.rows[*] ? (exists (@._customer_key))') r;
  IF v_keys IS NULL THEN
    RETURN p_snapshot;
  END IF;
  FOR v_key IN
    SELECT k FROM unnest(v_keys) AS k
     WHERE k IN (SELECT internal.customer_key(p_organization_id, c.customer_id)
                   FROM venue.customers c
                  WHERE c.organization_id = p_organization_id AND c.erased_at IS NOT NULL)
  LOOP
    v_snapshot := internal.redact_snapshot(v_snapshot, v_key);
  END LOOP;
  RETURN v_snapshot;
END
$fn$;

COMMENT ON FUNCTION internal.redact_erased_customers(uuid, jsonb) IS
  'The snapshot with every row that names an erased customer of the organization redacted (internal.redact_snapshot): what internal.generate_report stores.';
REVOKE ALL ON FUNCTION internal.redact_erased_customers(uuid, jsonb) FROM PUBLIC;
