-- 0022: api.tick moves next_run_at (and last_run_at) of every due job, which
-- on a busy minute is every job on a page. With full pages each new row
-- version lands on another page, and every index of the table (the primary
-- key, the name key) gets a new entry for it. With half of each page free,
-- the new versions fit beside the old ones: HOT updates, no index entries,
-- and the next tick prunes the old versions in place. bench/tick.py, 100,000
-- due jobs, medians of 3 runs taken in turn on the same machine: 1.61 and
-- 1.75 s with full pages, 1.17 and 1.23 s with fillfactor 50 (70 gave 1.51
-- and 1.55 s: a page must hold a second version of every row on it).
ALTER TABLE reporting.scheduled_jobs SET (fillfactor = 50);
