-- A venue's live figures, computed in the database as the signed-in user.
SELECT api.live_kpis(%(venue_id)s) AS kpis
