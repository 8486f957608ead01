-- internal.report_format_value(value, unit, currency): a figure as a report sentence shows it.
CREATE OR REPLACE FUNCTION internal.report_format_value(
  p_value    numeric,
  p_unit     text,
  p_currency text DEFAULT 'GBP'
)
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $fn$
  /*
   * How the dataset functions write a number into a sentence (the JSON
   * figures beside it stay plain numbers):
   *   currency  £12,480 (whole units from 1,000 up or when whole, else
   *             £465.75); the symbol for GBP, EUR and USD, else the code
   *             and a space (CHF 120)
   *   ratio     a percentage with at most one decimal: 0.0915 -> 9.2%
   *   count, people, rating, hours  thousands separated, at most 2 decimals
   * NULL in, 'n/a' out: a sentence never says "NULL".
   */
  SELECT CASE
    WHEN p_value IS NULL THEN 'n/a'
    WHEN p_unit = 'currency' THEN
      CASE WHEN p_value < 0 THEN '-' ELSE '' END
      || CASE upper(coalesce(p_currency, 'GBP'))
           WHEN 'GBP' THEN '£' WHEN 'EUR' THEN '€' WHEN 'USD' THEN '$'
           ELSE upper(p_currency) || ' ' END
      || CASE WHEN abs(p_value) >= 1000 OR abs(p_value) = trunc(abs(p_value))
              THEN to_char(round(abs(p_value)), 'FM999,999,999,990')
              ELSE to_char(abs(p_value), 'FM999,999,990.00') END
    WHEN p_unit = 'ratio' THEN trim_scale(round(p_value * 100, 1))::text || '%'
    WHEN round(p_value, 2) = trunc(p_value) THEN to_char(trunc(p_value), 'FM999,999,999,990')
    ELSE rtrim(to_char(round(p_value, 2), 'FM999,999,999,990.00'), '0')
  END
$fn$;

COMMENT ON FUNCTION internal.report_format_value(numeric, text, text) IS
  'A figure written for a report sentence by unit: currency with the organization''s symbol (£, €, $, else the ISO code), ratio as a percentage, others with thousands separators; ''n/a'' for NULL.';
REVOKE ALL ON FUNCTION internal.report_format_value(numeric, text, text) FROM PUBLIC;
