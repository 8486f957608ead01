-- internal.anonymised_ip(text): client IP addresses cut to their networks (/24, or /48 for IPv6).
CREATE OR REPLACE FUNCTION internal.anonymised_ip(p_ip text)
RETURNS text
LANGUAGE plpgsql
IMMUTABLE PARALLEL UNSAFE  -- its EXCEPTION block is a subtransaction, which a parallel worker may not start
AS $fn$
DECLARE
  v_ip   text;
  v_nets text[] := '{}';
BEGIN
  /*
   * A download's audit event keeps where it came from for as long as the
   * append-only log lives: the network (203.0.113.0/24, 2001:db8:1::/48),
   * enough to tell an office from a stranger, not the person's own address
   * (the same cut Google Analytics makes). One address, or a list separated
   * by commas as a proxy's X-Forwarded-For carries them: each becomes its
   * network, in order. What is not an IP address is left out; NULL when
   * nothing is left.
   */
  FOREACH v_ip IN ARRAY coalesce(string_to_array(p_ip, ','), '{}') LOOP
    BEGIN
      v_nets := v_nets || network(set_masklen(btrim(v_ip)::inet,
                                              CASE family(btrim(v_ip)::inet) WHEN 4 THEN 24 ELSE 48 END))::text;
    EXCEPTION
      WHEN invalid_text_representation THEN
        NULL;
    END;
  END LOOP;
  RETURN nullif(array_to_string(v_nets, ', '), '');
END
$fn$;

COMMENT ON FUNCTION internal.anonymised_ip(text) IS
  'IP addresses (one, or a comma-separated list as in X-Forwarded-For) as their /24 (IPv4) or /48 (IPv6) networks, for the audit log; what is not an address is left out, NULL when nothing is left.';
REVOKE ALL ON FUNCTION internal.anonymised_ip(text) FROM PUBLIC;
