-- Deliveries for this sender, each under a lease.
SELECT * FROM api.claim_deliveries(%(worker)s, %(limit)s, %(lease)s::interval, %(channels)s::text[])
