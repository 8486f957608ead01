-- The people inside are a running sum over check-ins in scan order
-- (occurred_at, then check_in_id). An index in exactly that order, carrying
-- the two columns the sum needs, lets the aggregation read a venue's scans
-- presorted and without visiting the table: a whole-history rebuild skips a
-- sort of every check-in (10 s to 4 s on 5M scans), and a single venue-day is
-- one index-only range. It replaces the (organization, venue, occurred_at)
-- index, whose every use it serves.
CREATE INDEX check_ins_venue_scan_idx ON venue.check_ins
  (organization_id, venue_id, occurred_at, check_in_id) INCLUDE (direction, people);
DROP INDEX venue.check_ins_venue_occurred_idx;
