-- The one-click unsubscribe: pause the subscription a verified link names.
SELECT subscription_id, is_paused, paused_at FROM api.pause_subscription(%(subscription_id)s, %(reason)s)
