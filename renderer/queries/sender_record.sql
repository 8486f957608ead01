-- How one send attempt ended; the database sets the retry time.
SELECT api.record_delivery(%(delivery_id)s, %(worker)s, %(outcome)s, %(provider)s, %(provider_message_id)s,
                           %(error)s, %(retry_after)s::interval, %(details)s) AS status
