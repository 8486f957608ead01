-- internal.tg_job_dependencies__no_cycle(): refuses a dependency that would make jobs wait on themselves.
-- SECURITY DEFINER: a cycle check must see the whole dependency graph, not only the rows the writer's policies show.
CREATE OR REPLACE FUNCTION internal.tg_job_dependencies__no_cycle()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_path bigint[];
BEGIN
  /*
   * BEFORE INSERT OR UPDATE. A cycle (a waits for b, b for a) would leave
   * every run in it waiting for ever. Walk up from the new parent through
   * its own parents; reaching the new child means a cycle, refused with
   * 23514 naming the path. The table is locked against other writers first
   * (SHARE ROW EXCLUSIVE conflicts with itself), so two sessions cannot each
   * add half of a cycle the other cannot see. Self-dependencies are a CHECK.
   */
  LOCK TABLE reporting.job_dependencies IN SHARE ROW EXCLUSIVE MODE;
  WITH RECURSIVE up (job_id, path) AS (
    SELECT NEW.parent_job_id, ARRAY[NEW.child_job_id, NEW.parent_job_id]
    UNION ALL
    SELECT d.parent_job_id, up.path || d.parent_job_id
      FROM up
      JOIN reporting.job_dependencies d ON d.child_job_id = up.job_id
     WHERE d.parent_job_id <> ALL (up.path[2:])
       AND (TG_OP = 'INSERT' OR (d.child_job_id, d.parent_job_id) <> (OLD.child_job_id, OLD.parent_job_id))
  )
  SELECT path INTO v_path FROM up WHERE job_id = NEW.child_job_id LIMIT 1;
  IF v_path IS NOT NULL THEN
    RAISE EXCEPTION 'job dependency cycle: job % would wait for itself (% )',
      NEW.child_job_id, array_to_string(v_path, ' waits for ')
      USING ERRCODE = '23514', CONSTRAINT = 'job_dependencies_no_cycle';
  END IF;
  RETURN NEW;
END
$fn$;

COMMENT ON FUNCTION internal.tg_job_dependencies__no_cycle() IS
  'Raises 23514 when a new or changed job dependency would close a cycle, naming the path.';
REVOKE ALL ON FUNCTION internal.tg_job_dependencies__no_cycle() FROM PUBLIC;
