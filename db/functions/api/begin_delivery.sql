-- api.begin_delivery(delivery, worker, lease): just before sending, check the lease is still held, and extend it.
-- SECURITY DEFINER: the renderer daemon (nightcap_renderer) works across organizations and holds no table privileges; this is one of the few calls it is granted.
CREATE OR REPLACE FUNCTION api.begin_delivery(
  p_delivery_id bigint,
  p_worker      text,
  p_lease       interval DEFAULT '2 minutes'
)
RETURNS boolean
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
  /*
   * A sender claims deliveries in batches and sends them one after another;
   * a slow provider can let the later ones' leases run out, and another
   * sender then takes them back. So right before each send the sender calls
   * this: true when p_worker still holds the delivery and its lease has not
   * expired (the lease is then extended by p_lease from now), false when it
   * must not send (another sender has it, or will). Committing this before
   * the send is what keeps two senders from sending the same message.
   */
  UPDATE reporting.report_delivery_history d
     SET lease_expires_at = clock_timestamp() + p_lease
   WHERE d.delivery_id = p_delivery_id AND d.status = 'sending' AND d.worker = p_worker
     AND d.lease_expires_at > clock_timestamp()
  RETURNING true
$fn$;

COMMENT ON FUNCTION api.begin_delivery(bigint, text, interval) IS
  'True, and the lease extended, when the sender still holds the delivery right before sending it; false when it must not send.';
REVOKE ALL ON FUNCTION api.begin_delivery(bigint, text, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.begin_delivery(bigint, text, interval) TO nightcap_renderer;
