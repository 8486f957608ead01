-- reporting.kpi_alert_states: written only by the engine (api.evaluate_kpi_value): admins, managers and auditors read it.
-- (internal.set_tenant_access: RLS enabled and forced, owner_all, members_read, members_write, grants.)
SELECT internal.set_tenant_access('reporting.kpi_alert_states', '{admin,manager,auditor}', '{}');
