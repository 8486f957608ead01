-- api.refresh_summary_views([views]): refresh the materialised summaries without blocking readers.
CREATE OR REPLACE FUNCTION api.refresh_summary_views(
  p_views text[] DEFAULT ARRAY['weekly_summary_view', 'monthly_summary_view', 'top_customers_view']
)
RETURNS TABLE (view_name text, refreshed_in interval)
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_view    text;
  v_started timestamptz;
BEGIN
  /*
   * REFRESH MATERIALIZED VIEW CONCURRENTLY (readers keep the old contents
   * meanwhile) of the named views of seed 001, in the order given; returns
   * how long each took.
   */
  IF p_views IS NULL OR cardinality(p_views) = 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'no views to refresh';
  END IF;
  FOREACH v_view IN ARRAY p_views LOOP
    IF v_view NOT IN ('weekly_summary_view', 'monthly_summary_view', 'top_customers_view') THEN
      RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
        MESSAGE = format('unknown summary view %L', v_view),
        HINT = 'One of weekly_summary_view, monthly_summary_view, top_customers_view.';
    END IF;
  END LOOP;
  FOREACH v_view IN ARRAY p_views LOOP
    v_started := clock_timestamp();
    EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY reporting.%I', v_view);
    view_name := v_view;
    refreshed_in := clock_timestamp() - v_started;
    RETURN NEXT;
  END LOOP;
END
$fn$;

COMMENT ON FUNCTION api.refresh_summary_views(text[]) IS
  'Refreshes reporting.weekly_summary_view, monthly_summary_view and top_customers_view (or those named) concurrently; returns the time each took. Raises 22004 (empty list), 22023 (unknown view).';
REVOKE ALL ON FUNCTION api.refresh_summary_views(text[]) FROM PUBLIC;
