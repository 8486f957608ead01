-- A staff member's own shifts (venue.shifts' staff_own_read policy), latest first.
SELECT s.shift_id, v.name AS venue, s.role, s.starts_at, s.ends_at, s.break_minutes,
       round(extract(epoch FROM s.ends_at - s.starts_at) / 3600 - coalesce(s.break_minutes, 0) / 60.0, 2)
         AS hours
  FROM venue.shifts s
  JOIN venue.venues v USING (organization_id, venue_id)
 ORDER BY s.starts_at DESC
 LIMIT 100
