"""api.cron_next against a minute-by-minute oracle around every clock change of 2026-2027.

tests/sql/cron.sql fixes hand-computed instants; this checks the same rules
everywhere near a transition, in zones whose changes differ: an hour at 01:00
UTC (London), at 02:00 local (New York), southern (Sydney), at midnight
(Santiago, so the gap or the repeat touches the date), half an hour
(Lord Howe), none (Kolkata). The oracle is written separately from the SQL
and uses Python's zoneinfo (the same system tz database) for conversions:
a wall time matching the expression runs at its first occurrence (fold=0),
also at its second when the hour field starts with `*`, and a wall time in a
gap runs once at fold=0, which is PostgreSQL's reading of it.
"""

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest

ZONES = [
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
]
EXPRESSIONS = [
    "15 * * * *",
    "*/30 * * * *",
    "30 1 * * *",
    "0 2 * * *",
    "*/7 1-3 * * *",
    "0,30 0-3 * * *",
    "45 23 * * *",
    "0 0 * * *",
    "* 1 * * *",
    "59 0-2 * * 0-6",
    "0 0 13 * 5",
    "5 0 * * sun",
    "0 */2 * * *",
    "30 0 * * *",
    "10 0,1,2,3 * * *",
]
MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
FIELDS = [(0, 59, {}), (0, 23, {}), (1, 31, {}), (1, 12, {n: i + 1 for i, n in enumerate(MONTHS)})]
FIELDS.append((0, 7, {n: i for i, n in enumerate(DAYS)}))


class Cron:
    """A plain reading of the expression: sets of values, and which fields start with `*`."""

    def __init__(self, expr: str) -> None:
        fields = MACROS.get(expr.lower(), expr).lower().split()
        self.values = []
        for text, (lo, hi, names) in zip(fields, FIELDS, strict=True):
            values = set()
            for item in text.split(","):
                span, _, step = item.partition("/")
                if span == "*":
                    a, b = lo, hi
                else:
                    a_text, _, b_text = span.partition("-")
                    a = names[a_text] if a_text in names else int(a_text)
                    b = (names[b_text] if b_text in names else int(b_text)) if b_text else None
                    b = b if b is not None else (hi if step else a)
                values |= set(range(a, b + 1, int(step or 1)))
            self.values.append(values)
        if 7 in self.values[4]:
            self.values[4].add(0)
        starts = [field.startswith("*") for field in fields]
        self.hour_star, self.dom_star, self.dow_star = starts[1], starts[2], starts[4]

    def matches(self, wall: datetime) -> bool:
        minute, hour, dom, month, dow = self.values
        if wall.minute not in minute or wall.hour not in hour or wall.month not in month:
            return False
        in_dom, in_dow = wall.day in dom, (wall.isoweekday() % 7) in dow
        if self.dom_star or self.dow_star:
            return in_dom and in_dow
        return in_dom or in_dow


def wall_of(t: datetime, zone: ZoneInfo) -> datetime:
    return t.astimezone(zone).replace(tzinfo=None)


def instant_of(wall: datetime, zone: ZoneInfo) -> datetime:
    """fold=0: the first occurrence of a repeated time, the earlier offset for a skipped one."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def oracle_next(expr: str, tz: str, after: datetime, horizon: timedelta) -> datetime | None:
    """Every run in one day after `after` at a time, minute by minute, until one is found."""
    cron, zone = Cron(expr), ZoneInfo(tz)
    lo = after
    while lo < after + horizon:
        hi = lo + timedelta(days=1)
        runs = []
        t = lo.replace(second=0, microsecond=0)
        while t <= hi:
            wall = wall_of(t, zone)
            if cron.matches(wall) and (instant_of(wall, zone) == t or cron.hour_star):
                runs.append(t)
            t += timedelta(minutes=1)
        wall = wall_of(lo, zone).replace(second=0, microsecond=0) - timedelta(hours=3)
        no_change = (lo - timedelta(hours=3)).astimezone(zone).utcoffset() == (
            hi + timedelta(hours=3)
        ).astimezone(zone).utcoffset()
        while not no_change and wall <= wall_of(hi, zone) + timedelta(hours=3):
            first = instant_of(wall, zone)
            if wall_of(first, zone) != wall and cron.matches(wall):  # skipped by a gap
                runs.append(first)
            wall += timedelta(minutes=1)
        inside = [r for r in runs if lo < r <= hi and r > after]
        if inside:
            return min(inside)
        lo = hi
    return None


def transitions(tz: str) -> list[datetime]:
    zone, found = ZoneInfo(tz), []
    t = datetime(2026, 1, 1, tzinfo=UTC)
    while t < datetime(2028, 1, 1, tzinfo=UTC):
        if t.astimezone(zone).utcoffset() != (t + timedelta(hours=1)).astimezone(zone).utcoffset():
            found.append(t + timedelta(hours=1))
        t += timedelta(hours=1)
    return found


@pytest.mark.parametrize("tz", ZONES)
def test_cron_next_matches_the_oracle_around_clock_changes(migrated_db, tz):
    rng = random.Random(tz)
    points = transitions(tz) or [datetime(2026, 3, 29, 1, tzinfo=UTC)]
    cases = []
    for change in points:
        for expr in EXPRESSIONS:
            for _ in range(3):
                minutes, seconds = rng.randint(-12 * 60, 4 * 60), rng.choice([0, 30])
                offset = timedelta(minutes=minutes, seconds=seconds)
                cases.append((expr, change + offset))
    with psycopg.connect(migrated_db) as conn:
        got = conn.execute(
            "SELECT api.cron_next(e, %s, a) FROM unnest(%s::text[], %s::timestamptz[]) AS c(e, a)",
            (tz, [e for e, _ in cases], [a for _, a in cases]),
        ).fetchall()
    mismatches = []
    for (expr, after), (actual,) in zip(cases, got, strict=True):
        expected = oracle_next(expr, tz, after, timedelta(days=40))
        if expected is not None and actual != expected:
            mismatches.append((expr, after.isoformat(), expected.isoformat(), actual.isoformat()))
    assert mismatches == []
