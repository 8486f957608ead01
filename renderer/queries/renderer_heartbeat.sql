-- Still rendering: renew the lease.
SELECT api.heartbeat_report(%(generation_id)s, %(worker)s, %(lease)s::interval)
