-- api.cron_next and api.cron_validate: cron expressions on a zone's wall clock.
-- Every expected instant is worked out by hand from the zone's rules and
-- written in UTC (Z). Clock changes used:
--   Europe/London    2026: 29 Mar 01:00Z (GMT->BST), 25 Oct 01:00Z (BST->GMT)
--                    2027: 28 Mar 01:00Z,            31 Oct 01:00Z
--   America/New_York 2026:  8 Mar 07:00Z (02:00 EST->03:00 EDT), 1 Nov 06:00Z (02:00 EDT->01:00 EST)
--   Australia/Sydney 2026:  4 Apr 16:00Z (03:00 AEDT->02:00 AEST on 5 Apr),
--                           3 Oct 16:00Z (02:00 AEST->03:00 AEDT on 4 Oct)
-- Weekdays: 1 Jan 2026 is a Thursday, 1 Feb and 1 Mar Sundays, 1 Apr a
-- Wednesday, 1 May a Friday; 1 Jan 2027 a Friday.
BEGIN;
SELECT plan(91);

-- London, spring forward 2026: 01:00-02:00 does not exist on 29 March.
SELECT is(api.cron_next('30 1 * * *', 'Europe/London', '2026-03-28 12:00Z'), '2026-03-29 01:30Z'::timestamptz,
  'London spring 2026: the missing 01:30 runs once, where PostgreSQL puts it (02:30 BST)');
SELECT is(api.cron_next('30 1 * * *', 'Europe/London', '2026-03-29 01:30Z'), '2026-03-30 00:30Z'::timestamptz,
  'London spring 2026: the next day''s 01:30 BST');
SELECT is(api.cron_next('0 2 * * *', 'Europe/London', '2026-03-28 12:00Z'), '2026-03-29 01:00Z'::timestamptz,
  'London spring 2026: 02:00 exists (BST), the first instant after the gap');
SELECT is(api.cron_next('*/30 * * * *', 'Europe/London', '2026-03-29 00:45Z'), '2026-03-29 01:00Z'::timestamptz,
  'London spring 2026, */30: the missing 01:00 runs at 01:00Z');
SELECT is(api.cron_next('*/30 * * * *', 'Europe/London', '2026-03-29 01:00Z'), '2026-03-29 01:30Z'::timestamptz,
  'London spring 2026, */30: then 01:30Z (missing 01:30 and real 02:30 are one instant)');
SELECT is(api.cron_next('*/30 * * * *', 'Europe/London', '2026-03-29 01:30Z'), '2026-03-29 02:00Z'::timestamptz,
  'London spring 2026, */30: then 03:00 BST');

-- London, fall back 2026: 01:00-02:00 happens twice on 25 October.
SELECT is(api.cron_next('30 1 * * *', 'Europe/London', '2026-10-24 12:00Z'), '2026-10-25 00:30Z'::timestamptz,
  'London autumn 2026: a fixed-hour job runs at the first 01:30 (BST)');
SELECT is(api.cron_next('30 1 * * *', 'Europe/London', '2026-10-25 00:30Z'), '2026-10-26 01:30Z'::timestamptz,
  'London autumn 2026: ... and not again at the second 01:30 (GMT)');
SELECT is(api.cron_next('15 * * * *', 'Europe/London', '2026-10-24 23:20Z'), '2026-10-25 00:15Z'::timestamptz,
  'London autumn 2026, 15 * * * *: 01:15 BST');
SELECT is(api.cron_next('15 * * * *', 'Europe/London', '2026-10-25 00:15Z'), '2026-10-25 01:15Z'::timestamptz,
  'London autumn 2026, 15 * * * *: 01:15 again, GMT');
SELECT is(api.cron_next('15 * * * *', 'Europe/London', '2026-10-25 01:15Z'), '2026-10-25 02:15Z'::timestamptz,
  'London autumn 2026, 15 * * * *: then 02:15 GMT');
SELECT is(api.cron_next('*/30 * * * *', 'Europe/London', '2026-10-25 00:30Z'), '2026-10-25 01:00Z'::timestamptz,
  'London autumn 2026, */30: after 01:30 BST comes 01:00 GMT');
SELECT is(api.cron_next('*/30 * * * *', 'Europe/London', '2026-10-25 01:00Z'), '2026-10-25 01:30Z'::timestamptz,
  'London autumn 2026, */30: then 01:30 GMT');
SELECT is(api.cron_next('*/15 1 * * *', 'Europe/London', '2026-10-25 00:45Z'), '2026-10-26 01:00Z'::timestamptz,
  'London autumn 2026, */15 1: the hour field is restricted, so the repeated hour runs once');

-- London 2027.
SELECT is(api.cron_next('30 1 * * *', 'Europe/London', '2027-03-27 12:00Z'), '2027-03-28 01:30Z'::timestamptz,
  'London spring 2027: the missing 01:30 runs at 01:30Z');
SELECT is(api.cron_next('0 3 * * *', 'Europe/London', '2027-03-27 12:00Z'), '2027-03-28 02:00Z'::timestamptz,
  'London spring 2027: 03:00 BST');
SELECT is(api.cron_next('30 1 * * *', 'Europe/London', '2027-10-30 12:00Z'), '2027-10-31 00:30Z'::timestamptz,
  'London autumn 2027: the first 01:30');
SELECT is(api.cron_next('30 1 * * *', 'Europe/London', '2027-10-31 00:30Z'), '2027-11-01 01:30Z'::timestamptz,
  'London autumn 2027: not the second 01:30');
SELECT is(api.cron_next('15 * * * *', 'Europe/London', '2027-10-31 00:15Z'), '2027-10-31 01:15Z'::timestamptz,
  'London autumn 2027, 15 * * * *: both 01:15s');
SELECT is(api.cron_next('0 0 * * *', 'Europe/London', '2027-10-30 12:00Z'), '2027-10-30 23:00Z'::timestamptz,
  'London autumn 2027: midnight of the long day is still BST');

-- New York 2026.
SELECT is(api.cron_next('30 2 * * *', 'America/New_York', '2026-03-07 12:00Z'), '2026-03-08 07:30Z'::timestamptz,
  'New York spring 2026: the missing 02:30 runs once, read as EST (03:30 EDT)');
SELECT is(api.cron_next('30 2 * * *', 'America/New_York', '2026-03-08 07:30Z'), '2026-03-09 06:30Z'::timestamptz,
  'New York spring 2026: the next 02:30 is EDT');
SELECT is(api.cron_next('30 1 * * *', 'America/New_York', '2026-10-31 12:00Z'), '2026-11-01 05:30Z'::timestamptz,
  'New York autumn 2026: the first 01:30 (EDT)');
SELECT is(api.cron_next('30 1 * * *', 'America/New_York', '2026-11-01 05:30Z'), '2026-11-02 06:30Z'::timestamptz,
  'New York autumn 2026: not the second 01:30');
SELECT is(api.cron_next('*/30 * * * *', 'America/New_York', '2026-11-01 05:30Z'), '2026-11-01 06:00Z'::timestamptz,
  'New York autumn 2026, */30: after 01:30 EDT comes 01:00 EST');
SELECT is(api.cron_next('0 9 * * mon-fri', 'America/New_York', '2026-07-03 13:00Z'), '2026-07-06 13:00Z'::timestamptz,
  'New York summer: Friday 09:00 EDT is past, Monday 09:00 EDT');

-- Sydney 2026: southern hemisphere, summer time ends in April and starts in October.
SELECT is(api.cron_next('30 2 * * *', 'Australia/Sydney', '2026-04-04 12:00Z'), '2026-04-04 15:30Z'::timestamptz,
  'Sydney autumn 2026: the first 02:30 (AEDT)');
SELECT is(api.cron_next('30 2 * * *', 'Australia/Sydney', '2026-04-04 15:30Z'), '2026-04-05 16:30Z'::timestamptz,
  'Sydney autumn 2026: not the second 02:30; next day AEST');
SELECT is(api.cron_next('30 * * * *', 'Australia/Sydney', '2026-04-04 15:30Z'), '2026-04-04 16:30Z'::timestamptz,
  'Sydney autumn 2026, 30 * * * *: 02:30 again, AEST');
SELECT is(api.cron_next('30 2 * * *', 'Australia/Sydney', '2026-10-03 12:00Z'), '2026-10-03 16:30Z'::timestamptz,
  'Sydney spring 2026: the missing 02:30 runs once, read as AEST (03:30 AEDT)');
SELECT is(api.cron_next('0 9 * * *', 'Australia/Sydney', '2026-01-01 00:00Z'), '2026-01-01 22:00Z'::timestamptz,
  'Sydney summer: 09:00 AEDT is 22:00Z the day before');

-- Fixed offsets: UTC and Kolkata (+05:30).
SELECT is(api.cron_next('0 9 * * *', 'Asia/Kolkata', '2026-01-01 00:00Z'), '2026-01-01 03:30Z'::timestamptz,
  'Kolkata: 09:00 IST is 03:30Z');
SELECT is(api.cron_next('*/45 * * * *', 'Asia/Kolkata', '2026-01-01 03:30Z'), '2026-01-01 04:15Z'::timestamptz,
  'Kolkata: */45 after 09:00 IST is 09:45 IST');
SELECT is(api.cron_next('@hourly', 'Asia/Kolkata', '2026-01-01 00:10Z'), '2026-01-01 00:30Z'::timestamptz,
  'Kolkata: @hourly falls on the half hour in UTC');
SELECT is(api.cron_next('0 9 * * *', 'UTC', '2026-06-01 12:00Z'), '2026-06-02 09:00Z'::timestamptz,
  'UTC: tomorrow 09:00');

-- Strictly after.
SELECT is(api.cron_next('0 9 * * *', 'UTC', '2026-01-01 09:00Z'), '2026-01-02 09:00Z'::timestamptz,
  'p_after exactly at a run: the next run');
SELECT is(api.cron_next('0 9 * * *', 'UTC', '2026-01-01 08:59:59.999999Z'), '2026-01-01 09:00Z'::timestamptz,
  'a microsecond before a run: that run');
SELECT is(api.cron_next('0 9 * * *', 'UTC', '2026-01-01 09:00:00.000001Z'), '2026-01-02 09:00Z'::timestamptz,
  'a microsecond after a run: the next');
SELECT is(api.cron_next('* * * * *', 'UTC', '2026-01-01 09:00:30Z'), '2026-01-01 09:01Z'::timestamptz,
  'every minute: the next whole minute');
SELECT is(api.cron_next('59 23 31 12 *', 'UTC', '2026-12-31 23:59Z'), '2027-12-31 23:59Z'::timestamptz,
  'the last minute of the year, a year later');

-- Day of month and day of week.
SELECT is(api.cron_next('0 0 13 * 5', 'UTC', '2026-04-10 00:00Z'), '2026-04-13 00:00Z'::timestamptz,
  '13th or Friday: Monday 13 April (the 13th)');
SELECT is(api.cron_next('0 0 13 * 5', 'UTC', '2026-04-13 00:00Z'), '2026-04-17 00:00Z'::timestamptz,
  '13th or Friday: Friday 17 April');
SELECT is(api.cron_next('0 0 1,11,21,31 * 5', 'UTC', '2026-01-01 00:00Z'), '2026-01-02 00:00Z'::timestamptz,
  'both restricted: either matches (Friday 2 January)');
SELECT is(api.cron_next('0 0 */10 * 5', 'UTC', '2026-01-01 00:00Z'), '2026-05-01 00:00Z'::timestamptz,
  'day-of-month starts with *: both must match (1, 11, 21 or 31 and a Friday: 1 May)');
SELECT is(api.cron_next('0 0 13 * *', 'UTC', '2026-04-10 00:00Z'), '2026-04-13 00:00Z'::timestamptz,
  'day-of-week *: the 13th');
SELECT is(api.cron_next('0 0 * * 1', 'UTC', '2026-01-31 00:00Z'), '2026-02-02 00:00Z'::timestamptz,
  'day-of-month *: Mondays, across a month end');
SELECT is(api.cron_next('0 0 31 * *', 'UTC', '2026-04-01 00:00Z'), '2026-05-31 00:00Z'::timestamptz,
  'the 31st skips April');
SELECT is(api.cron_next('0 0 31 4,6 1', 'UTC', '2026-04-01 00:00Z'), '2026-04-06 00:00Z'::timestamptz,
  '31 April or a Monday: possible through the Mondays');

-- Names in any case, macros, steps, Sunday as 7.
SELECT is(api.cron_next('0 9 * jan-mar mon-fri', 'Europe/London', '2026-03-31 08:00Z'), '2027-01-01 09:00Z'::timestamptz,
  'names: after the last weekday of March, Friday 1 January 2027');
SELECT is(api.cron_next('0 9 * JAN-Mar Mon-FRI', 'Europe/London', '2026-01-02 09:00Z'), '2026-01-05 09:00Z'::timestamptz,
  'names in any case: Friday''s run is past, Monday');
SELECT is(api.cron_next('0 9 * * SAT,sun', 'UTC', '2026-01-01 00:00Z'), '2026-01-03 09:00Z'::timestamptz,
  'a list of day names');
SELECT is(api.cron_next('@yearly', 'UTC', '2026-06-01 00:00Z'), '2027-01-01 00:00Z'::timestamptz, '@yearly');
SELECT is(api.cron_next('@annually', 'Europe/London', '2026-06-01 00:00Z'), '2027-01-01 00:00Z'::timestamptz, '@annually');
SELECT is(api.cron_next('@monthly', 'Europe/London', '2026-06-15 00:00Z'), '2026-06-30 23:00Z'::timestamptz,
  '@monthly: midnight on 1 July BST');
SELECT is(api.cron_next('@weekly', 'UTC', '2026-04-01 00:00Z'), '2026-04-05 00:00Z'::timestamptz, '@weekly: Sunday');
SELECT is(api.cron_next('@daily', 'America/New_York', '2026-07-04 12:00Z'), '2026-07-05 04:00Z'::timestamptz,
  '@daily: midnight EDT');
SELECT is(api.cron_next('@MIDNIGHT', 'UTC', '2026-07-04 12:00Z'), '2026-07-05 00:00Z'::timestamptz, '@midnight, any case');
SELECT is(api.cron_next('5/20 * * * *', 'UTC', '2026-01-01 00:30Z'), '2026-01-01 00:45Z'::timestamptz,
  'a/n: 5/20 is 5, 25, 45');
SELECT is(api.cron_next('5/20 * * * *', 'UTC', '2026-01-01 00:45Z'), '2026-01-01 01:05Z'::timestamptz,
  'a/n: after 45 comes 5 of the next hour');
SELECT is(api.cron_next('0 9-17/4 * * *', 'UTC', '2026-01-01 13:00Z'), '2026-01-01 17:00Z'::timestamptz,
  'a-b/n: 9-17/4 is 9, 13, 17');
SELECT is(api.cron_next('0 9-17/4 * * *', 'UTC', '2026-01-01 17:00Z'), '2026-01-02 09:00Z'::timestamptz,
  'a-b/n: after 17 comes 9 tomorrow');
SELECT is(api.cron_next('0 12 * * 7', 'UTC', '2026-04-01 00:00Z'), '2026-04-05 12:00Z'::timestamptz,
  'day-of-week 7 is Sunday');
SELECT is(api.cron_next('0 12 * * 5-7', 'UTC', '2026-04-04 12:00Z'), '2026-04-05 12:00Z'::timestamptz,
  '5-7 is Friday to Sunday');
SELECT is(api.cron_next('0 0 29 2 *', 'UTC', '2026-01-01 00:00Z'), '2028-02-29 00:00Z'::timestamptz,
  '29 February: the next leap year');
SELECT is(api.cron_next('0 0 29 2 *', 'Europe/London', '2028-02-29 00:00Z'), '2032-02-29 00:00Z'::timestamptz,
  '29 February: four years on');

-- cron_validate.
SELECT is(api.cron_validate('@daily'), '0 0 * * *', 'cron_validate expands a macro');
SELECT is(api.cron_validate(E' 0 9 * jan-mar\tmon-fri '), '0 9 * JAN-MAR MON-FRI',
  'cron_validate normalises spacing and the case of names');

-- Bad input: 22023 naming the field.
SELECT throws_ok($$SELECT api.cron_validate('61 * * * *')$$, '22023', NULL, 'minute 61 is out of range');
SELECT throws_ok($$SELECT api.cron_validate('0 24 * * *')$$, '22023', NULL, 'hour 24 is out of range');
SELECT throws_ok($$SELECT api.cron_validate('0 0 0 * *')$$, '22023', NULL, 'day-of-month 0 is out of range');
SELECT throws_ok($$SELECT api.cron_validate('0 0 1 13 *')$$, '22023', NULL, 'month 13 is out of range');
SELECT throws_ok($$SELECT api.cron_validate('0 0 * * 8')$$, '22023', NULL, 'day-of-week 8 is out of range');
SELECT throws_ok($$SELECT api.cron_validate('*/0 * * * *')$$, '22023', NULL, 'step 0');
SELECT throws_ok($$SELECT api.cron_validate('x * * * *')$$, '22023', NULL, 'a name in the minute field');
SELECT throws_ok($$SELECT api.cron_validate('0 0 * foo *')$$, '22023', NULL, 'an unknown month name');
SELECT throws_ok($$SELECT api.cron_validate('1,,2 * * * *')$$, '22023', NULL, 'an empty list item');
SELECT throws_ok($$SELECT api.cron_validate('0 0 * * mon-')$$, '22023', NULL, 'a range without an end');
SELECT throws_ok($$SELECT api.cron_validate('* * * *')$$, '22023', NULL, 'four fields');
SELECT throws_ok($$SELECT api.cron_validate('* * * * * *')$$, '22023', NULL, 'six fields');
SELECT throws_ok($$SELECT api.cron_validate('')$$, '22023', NULL, 'no fields');
SELECT throws_ok($$SELECT api.cron_validate('5-1 * * * *')$$, '22023', NULL, 'a range that runs backwards');
SELECT throws_ok($$SELECT api.cron_validate('@reboot')$$, '22023', NULL, 'an unknown macro');
SELECT throws_ok($$SELECT api.cron_validate(NULL)$$, '22004', NULL, 'NULL expression');
SELECT throws_ok($$SELECT api.cron_validate('0 0 30 2 *')$$, '22023', NULL, '30 February never happens');
SELECT throws_ok($$SELECT api.cron_validate('0 0 31 4,6 *')$$, '22023', NULL, '31 April and 31 June never happen');
SELECT throws_ok($$SELECT api.cron_next('0 0 30 2 *', 'UTC', '2026-01-01Z')$$, '22023', NULL,
  'cron_next raises for an expression that never runs, rather than searching');
SELECT throws_ok($$SELECT api.cron_next('61 * * * *', 'UTC', '2026-01-01Z')$$, '22023', NULL,
  'cron_next raises for a bad field');
SELECT throws_ok($$SELECT api.cron_next('0 9 * * *', 'Europe/Londn', '2026-01-01Z')$$, '22023', NULL,
  'an unknown time zone');
SELECT throws_ok($$SELECT api.cron_next('0 9 * * *', '', '2026-01-01Z')$$, '22023', NULL,
  'an empty time zone');
SELECT throws_ok($$SELECT api.cron_next('0 9 * * *', 'UTC', NULL)$$, '22004', NULL, 'NULL p_after');
SELECT throws_ok($$SELECT api.cron_next('0 9 * * *', 'UTC', 'infinity')$$, '22023', NULL, 'an infinite p_after');

SELECT * FROM finish();
ROLLBACK;
