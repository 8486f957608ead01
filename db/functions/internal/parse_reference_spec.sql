-- internal.parse_reference_spec(spec): split 'table:col,child_col=parent_col' for the reference triggers.
CREATE OR REPLACE FUNCTION internal.parse_reference_spec(
  p_spec        text,
  OUT other_table text,
  OUT child_cols  text[],
  OUT parent_cols text[]
)
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
  /*
   * 'bookings:booking_id' -> (bookings, {booking_id}, {booking_id});
   * 'payments:refund_of_payment_id=payment_id' -> (payments, {refund_of_payment_id}, {payment_id}).
   * The named table is the other side of the reference: the parent for
   * tg_check_references, the child for tg_check_referencing_rows.
   */
  SELECT split_part(p_spec, ':', 1),
         array_agg(split_part(pair, '=', 1) ORDER BY ord),
         array_agg(coalesce(nullif(split_part(pair, '=', 2), ''), split_part(pair, '=', 1)) ORDER BY ord)
    FROM unnest(string_to_array(split_part(p_spec, ':', 2), ',')) WITH ORDINALITY AS u(pair, ord)
$fn$;

COMMENT ON FUNCTION internal.parse_reference_spec(text) IS
  'Parses a reference argument of the set-based foreign-key triggers: ''table:col,...'' or ''table:child_col=parent_col''.';
REVOKE ALL ON FUNCTION internal.parse_reference_spec(text) FROM PUBLIC;
-- The reference checks run as the writer (an admin writing facts through RLS).
GRANT EXECUTE ON FUNCTION internal.parse_reference_spec(text) TO nightcap_admin;
