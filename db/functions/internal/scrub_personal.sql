-- internal.scrub_personal(text): a provider's or endpoint's message without the addresses and URLs in it.
CREATE OR REPLACE FUNCTION internal.scrub_personal(p_text text)
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $fn$
  /*
   * The audit log is append-only, so what it copies of a delivery's error
   * (last_error) or of a provider's answer outlives the retention policy,
   * which blanks them on the delivery itself. Mail servers quote the address
   * ("550 ops@club.example mailbox full") and HTTP clients the URL (a Slack
   * or webhook URL's path is its secret, and an API's path or query may hold
   * an address or a key). So, URLs first: each keeps its scheme and host and
   * becomes scheme://host/<path>, its user info, path and query gone; then
   * every email address left becomes <address>. The rest of the message
   * (status codes, reasons) stays for the auditor. Nothing is matched across
   * a quote, a backslash or white space, so it is safe on JSON text (a JSON
   * escape is never cut in two) and the replacements hold neither. Addresses
   * are matched loosely (any characters but those, an @, a dotted domain):
   * an address too many is scrubbed rather than one too few. NULL stays NULL.
   */
  SELECT regexp_replace(
           regexp_replace(p_text,
                          '([A-Za-z][A-Za-z0-9+.-]*://)([^/\s"''<>\\?#@]*@)?([^/\s"''<>\\?#@:]+)[^\s"''<>\\]*',
                          '\1\3/<path>', 'g'),
           '[^\s"<>@\\(),;:/\[\]]+@[^\s"''<>@\\(),;:/\[\]]+\.[A-Za-z]{2,}', '<address>', 'g')
$fn$;

COMMENT ON FUNCTION internal.scrub_personal(text) IS
  'The text with each URL cut to scheme://host/<path> (user info, path and query gone) and each email address replaced by <address>: what the append-only audit log keeps of delivery errors and provider answers. Safe on JSON text.';
REVOKE ALL ON FUNCTION internal.scrub_personal(text) FROM PUBLIC;
