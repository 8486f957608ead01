-- internal.check_query_config(section_type, query_config): refuses a section config no dataset can serve.
CREATE OR REPLACE FUNCTION internal.check_query_config(p_section_type text, p_query_config jsonb)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
AS $fn$
DECLARE
  v_dataset record;
  v_given   jsonb := coalesce(p_query_config -> 'parameters', '{}');
  v_params  jsonb := '{}';
  v_name    text;
  v_spec    jsonb;
  v_value   jsonb;
  v_ok      boolean;
BEGIN
  /*
   * query_config is {"dataset": <a dataset of internal.report_datasets()>,
   * "parameters": {...}} and nothing else. The dataset must feed
   * p_section_type; each parameter must be declared, of its type, within
   * its range or list. Raises 22023 naming what is wrong (nothing is
   * stored: it runs as the section is written). Returns every declared
   * parameter with the given values and the defaults of the others, as the
   * dataset function receives them.
   */
  IF p_query_config IS NULL OR jsonb_typeof(p_query_config) <> 'object' THEN
    RAISE EXCEPTION 'query_config must be an object {"dataset": ..., "parameters": {...}}, got %',
      coalesce(p_query_config::text, 'NULL') USING ERRCODE = '22023';
  END IF;
  IF p_query_config - 'dataset' - 'parameters' <> '{}' THEN
    RAISE EXCEPTION 'query_config has unknown keys: %',
      (SELECT string_agg(k, ', ') FROM jsonb_object_keys(p_query_config - 'dataset' - 'parameters') k)
      USING ERRCODE = '22023', HINT = 'Only "dataset" and "parameters"; sections never carry SQL.';
  END IF;
  SELECT * INTO v_dataset FROM internal.report_datasets() d WHERE d.dataset = p_query_config ->> 'dataset';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown dataset %', coalesce((p_query_config -> 'dataset')::text, 'none')
      USING ERRCODE = '22023',
            HINT = (SELECT 'Datasets: ' || string_agg(d.dataset, ', ' ORDER BY d.dataset) FROM internal.report_datasets() d);
  END IF;
  IF NOT p_section_type = ANY (v_dataset.section_types) THEN
    RAISE EXCEPTION 'dataset % cannot feed a % section', v_dataset.dataset, p_section_type
      USING ERRCODE = '22023', HINT = format('It feeds: %s.', array_to_string(v_dataset.section_types, ', '));
  END IF;
  IF jsonb_typeof(v_given) <> 'object' THEN
    RAISE EXCEPTION 'query_config parameters must be an object, got %', v_given USING ERRCODE = '22023';
  END IF;
  FOR v_name IN SELECT k FROM jsonb_object_keys(v_given) k LOOP
    IF NOT v_dataset.parameters ? v_name THEN
      RAISE EXCEPTION 'dataset % has no parameter "%"', v_dataset.dataset, v_name
        USING ERRCODE = '22023',
              HINT = coalesce((SELECT 'Parameters: ' || string_agg(k, ', ' ORDER BY k)
                                 FROM jsonb_object_keys(v_dataset.parameters) k), 'It takes none.');
    END IF;
  END LOOP;
  FOR v_name, v_spec IN SELECT e.key, e.value FROM jsonb_each(v_dataset.parameters) e LOOP
    v_value := coalesce(v_given -> v_name, v_spec -> 'default', 'null');
    IF v_given ? v_name THEN
      v_ok := CASE v_spec ->> 'type'
          WHEN 'integer' THEN jsonb_typeof(v_value) = 'number' AND v_value::text ~ '^-?\d+$'
          WHEN 'number'  THEN jsonb_typeof(v_value) = 'number'
          WHEN 'text'    THEN jsonb_typeof(v_value) = 'string'
          WHEN 'boolean' THEN jsonb_typeof(v_value) = 'boolean'
          WHEN 'text[]'  THEN jsonb_typeof(v_value) = 'array'
                              AND NOT jsonb_path_exists(v_value, '$[*] ? (@.type() != "string")')
          END;
      IF NOT v_ok THEN
        RAISE EXCEPTION 'dataset % parameter "%" must be %, got %', v_dataset.dataset, v_name, v_spec ->> 'type', v_value
          USING ERRCODE = '22023';
      END IF;
      IF (v_spec ? 'min' AND v_value::numeric < (v_spec ->> 'min')::numeric)
         OR (v_spec ? 'max' AND v_value::numeric > (v_spec ->> 'max')::numeric) THEN
        RAISE EXCEPTION 'dataset % parameter "%" must be from % to %, got %', v_dataset.dataset, v_name,
          v_spec ->> 'min', v_spec ->> 'max', v_value USING ERRCODE = '22023';
      END IF;
      IF v_spec ? 'values' AND NOT (v_spec -> 'values') @> jsonb_build_array(v_value) THEN
        RAISE EXCEPTION 'dataset % parameter "%" must be one of %, got %', v_dataset.dataset, v_name,
          v_spec -> 'values', v_value USING ERRCODE = '22023';
      END IF;
    END IF;
    v_params := v_params || jsonb_build_object(v_name, v_value);
  END LOOP;
  RETURN v_params;
END
$fn$;

COMMENT ON FUNCTION internal.check_query_config(text, jsonb) IS
  'Raises 22023 unless query_config names a registered dataset that feeds the section type, with declared, well-typed, in-range parameters; returns the parameters with defaults filled in.';
REVOKE ALL ON FUNCTION internal.check_query_config(text, jsonb) FROM PUBLIC;
