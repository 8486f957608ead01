-- A verified provider event (delivered, opened, clicked, bounced, complained) applied to its delivery.
SELECT api.record_provider_event(%(provider)s, %(provider_message_id)s, %(event)s,
                                 coalesce(%(occurred_at)s::timestamptz, now()), %(details)s::jsonb) AS delivery_id
