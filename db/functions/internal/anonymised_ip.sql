-- internal.anonymised_ip(text): a client's IP address cut to its network (/24, or /48 for IPv6).
CREATE OR REPLACE FUNCTION internal.anonymised_ip(p_ip text)
RETURNS text
LANGUAGE plpgsql
IMMUTABLE PARALLEL UNSAFE  -- its EXCEPTION block is a subtransaction, which a parallel worker may not start
AS $fn$
BEGIN
  /*
   * A download's audit event keeps where it came from for as long as the
   * append-only log lives: the network (203.0.113.0/24, 2001:db8:1::/48),
   * enough to tell an office from a stranger, not the person's own address
   * (the same cut Google Analytics makes). Text that is not an IP address
   * gives NULL, and the event is recorded without it.
   */
  RETURN network(set_masklen(p_ip::inet, CASE family(p_ip::inet) WHEN 4 THEN 24 ELSE 48 END))::text;
EXCEPTION
  WHEN invalid_text_representation THEN
    RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.anonymised_ip(text) IS
  'An IP address as its /24 (IPv4) or /48 (IPv6) network, for the audit log; NULL for text that is not an address.';
REVOKE ALL ON FUNCTION internal.anonymised_ip(text) FROM PUBLIC;
