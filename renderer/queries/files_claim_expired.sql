-- Reports whose stored files expired (retention or erasure), for this daemon to delete.
SELECT * FROM api.claim_expired_files(%(worker)s, %(limit)s, %(lease)s::interval)
