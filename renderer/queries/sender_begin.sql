-- Right before a send: do we still hold it? (extends the lease)
SELECT coalesce(api.begin_delivery(%(delivery_id)s, %(worker)s, %(lease)s::interval), false) AS held
