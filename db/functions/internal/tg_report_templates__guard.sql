-- internal.tg_report_templates__guard(): versions are written as drafts, activated once, then never changed.
-- SECURITY DEFINER: keeps active template versions immutable for every writer, reading the engine's state whatever the writer may see.
CREATE OR REPLACE FUNCTION internal.tg_report_templates__guard()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_same reporting.report_templates;
BEGIN
  /*
   * BEFORE INSERT, UPDATE, DELETE on reporting.report_templates, per row.
   * INSERT: a new version is a draft; its number defaults to the key's next,
   *   created_by to the acting user.
   * UPDATE of a draft: anything, and status 'active' activates it (it needs
   *   a section; the key's active version is retired first, so at most one
   *   is active). Retiring a draft is allowed too.
   * UPDATE of an active version: only status 'retired'. Of a retired
   *   version: nothing. Anything else raises 55000: create a new version.
   * DELETE: drafts only (55000), since reports and subscriptions refer to
   *   the others.
   */
  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'draft' THEN
      RAISE EXCEPTION 'a template version is created as a draft, got status %', NEW.status
        USING ERRCODE = '55000', HINT = 'Insert it, add its sections, then set status = ''active'' (api.activate_report_template).';
    END IF;
    IF NEW.version IS NULL THEN
      SELECT coalesce(max(t.version), 0) + 1 INTO NEW.version
        FROM reporting.report_templates t
       WHERE t.organization_id = NEW.organization_id AND t.template_key = NEW.template_key;
    END IF;
    NEW.created_by := internal.current_actor();
    NEW.created_at := now();
    RETURN NEW;
  ELSIF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'version % of template % is %: only drafts can be deleted', OLD.version, OLD.template_key, OLD.status
        USING ERRCODE = '55000', HINT = 'Retire it instead: its reports and subscriptions refer to it.';
    END IF;
    RETURN OLD;
  END IF;

  IF OLD.status <> 'draft' THEN
    v_same := NEW;
    v_same.status := OLD.status;
    v_same.retired_at := OLD.retired_at;
    IF v_same IS DISTINCT FROM OLD OR OLD.status = 'retired' OR NEW.status <> 'retired' THEN
      IF NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'version % of template % is % and cannot change', OLD.version, OLD.template_key, OLD.status
        USING ERRCODE = '55000',
              HINT = 'Create a new version (api.create_report_template) and activate it; an active version can only be retired.';
    END IF;
    NEW.retired_at := now();
    RETURN NEW;
  END IF;

  IF NEW.status = 'active' THEN
    IF NOT EXISTS (SELECT FROM reporting.report_sections s
                    WHERE s.organization_id = NEW.organization_id AND s.template_id = NEW.template_id) THEN
      RAISE EXCEPTION 'version % of template % has no sections to activate', NEW.version, NEW.template_key
        USING ERRCODE = '22023';
    END IF;
    UPDATE reporting.report_templates t
       SET status = 'retired'
     WHERE t.organization_id = NEW.organization_id AND t.template_key = NEW.template_key
       AND t.status = 'active' AND t.template_id <> NEW.template_id;
    NEW.activated_at := now();
  ELSIF NEW.status = 'retired' THEN
    NEW.retired_at := now();
  END IF;
  RETURN NEW;
END
$fn$;

COMMENT ON FUNCTION internal.tg_report_templates__guard() IS
  'Keeps template versions immutable once active: drafts change freely, activation retires the key''s active version, active versions may only retire, only drafts may be deleted (55000).';
REVOKE ALL ON FUNCTION internal.tg_report_templates__guard() FROM PUBLIC;
