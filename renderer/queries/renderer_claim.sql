-- Reports for this daemon to render, each under a lease.
SELECT * FROM api.claim_reports(%(worker)s, %(limit)s, %(lease)s::interval)
