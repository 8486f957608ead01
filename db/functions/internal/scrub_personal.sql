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
   * or webhook URL's path is its secret). Every email address becomes
   * <address>, every URL its scheme and host followed by /<path>; the rest of
   * the message (status codes, reasons) stays for the auditor. NULL stays
   * NULL. Safe inside JSON text: the replacements hold no quote or backslash.
   */
  SELECT regexp_replace(
           regexp_replace(p_text, '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}', '<address>', 'g'),
           '([A-Za-z][A-Za-z0-9+.-]*://[^/\s"''<>?#]+)[^\s"''<>]*', '\1/<path>', 'g')
$fn$;

COMMENT ON FUNCTION internal.scrub_personal(text) IS
  'The text with each email address replaced by <address> and each URL cut to scheme://host/<path>: what the append-only audit log keeps of delivery errors and provider answers.';
REVOKE ALL ON FUNCTION internal.scrub_personal(text) FROM PUBLIC;
