-- audit.events: auditors and admins read their organizations' events; events
-- of no organization (the system's) only the owner. Nobody but
-- internal.audit_event writes it, and nobody changes it (its triggers).
SELECT internal.set_tenant_access('audit.events', '{admin,auditor}', '{}');
