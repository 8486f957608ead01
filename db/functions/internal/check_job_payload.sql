-- internal.check_job_payload(job_type, payload): refuses a payload api.work could not run.
CREATE OR REPLACE FUNCTION internal.check_job_payload(p_job_type text, p_payload jsonb)
RETURNS void
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_params jsonb;
  v_key    text;
  v_value  jsonb;
  v_type   text;
  v_ok     boolean;
BEGIN
  /*
   * Called as a job is written, so a job that could only fail at 02:00 is
   * refused now with 22023 naming what is wrong:
   *   aggregation, maintenance: {"task": <internal.job_tasks()>, params...},
   *     each parameter known to the task and of its type;
   *   sql: {"sql": "<statement>"} and nothing else;
   *   report: {} (a job of seed 001's shape, run by a worker of its own),
   *     or {"task": "generate_report", "template_key": <key>, "filters": {...}},
   *     run by api.work (internal.run_job).
   */
  IF p_job_type IN ('aggregation', 'maintenance') THEN
    SELECT t.parameters INTO v_params
      FROM internal.job_tasks() t
     WHERE t.job_type = p_job_type AND t.task = p_payload ->> 'task';
    IF NOT FOUND THEN
      RAISE EXCEPTION 'a % job''s payload needs a known "task", got %', p_job_type, coalesce((p_payload -> 'task')::text, 'none')
        USING ERRCODE = '22023',
              HINT = (SELECT 'Tasks: ' || string_agg(t.task, ', ' ORDER BY t.task)
                        FROM internal.job_tasks() t WHERE t.job_type = p_job_type);
    END IF;
    FOR v_key, v_value IN SELECT e.key, e.value FROM jsonb_each(p_payload - 'task') e LOOP
      v_type := v_params ->> v_key;
      IF v_type IS NULL THEN
        RAISE EXCEPTION 'task % has no parameter "%"', p_payload ->> 'task', v_key USING ERRCODE = '22023';
      END IF;
      v_ok := CASE v_type
          WHEN 'integer' THEN jsonb_typeof(v_value) = 'number' AND v_value::text ~ '^-?\d+$'
          WHEN 'interval' THEN jsonb_typeof(v_value) = 'string' AND internal.is_interval(v_value #>> '{}')
          WHEN 'text[]' THEN jsonb_typeof(v_value) = 'array'
                             AND NOT jsonb_path_exists(v_value, '$[*] ? (@.type() != "string")')
          END;
      IF NOT v_ok THEN
        RAISE EXCEPTION 'task % parameter "%" must be %, got %', p_payload ->> 'task', v_key, v_type, v_value
          USING ERRCODE = '22023';
      END IF;
    END LOOP;
  ELSIF p_job_type = 'report' AND p_payload <> '{}' THEN
    IF p_payload ->> 'task' IS DISTINCT FROM 'generate_report'
       OR jsonb_typeof(p_payload -> 'template_key') IS DISTINCT FROM 'string'
       OR p_payload - 'task' - 'template_key' - 'filters' <> '{}'
       OR jsonb_typeof(coalesce(p_payload -> 'filters', '{}')) <> 'object' THEN
      RAISE EXCEPTION 'a report job''s payload is {"task": "generate_report", "template_key": <key>, "filters": {...}}, got %',
        p_payload USING ERRCODE = '22023';
    END IF;
  ELSIF p_job_type = 'sql' THEN
    IF jsonb_typeof(p_payload -> 'sql') IS DISTINCT FROM 'string' OR btrim(p_payload ->> 'sql') = ''
       OR p_payload - 'sql' <> '{}' THEN
      RAISE EXCEPTION 'a sql job''s payload is {"sql": "<statement>"}, got %', p_payload USING ERRCODE = '22023';
    END IF;
  END IF;
END
$fn$;

COMMENT ON FUNCTION internal.check_job_payload(text, jsonb) IS
  'Raises 22023 unless the payload is one api.work can run: a known task with known, well-typed parameters (aggregation, maintenance) or {"sql": ...} (sql).';
REVOKE ALL ON FUNCTION internal.check_job_payload(text, jsonb) FROM PUBLIC;
