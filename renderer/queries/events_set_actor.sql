-- Who is acting, for the audit trail of this transaction only (poolers keep no session state).
SELECT set_config('nightcap.actor', %(actor)s, true)
