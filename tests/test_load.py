"""The load test (bench/load.py) at a small size: the whole path, delivered exactly once.

30 reports due in one minute across 3 organizations: one api.tick, api.work in
two sessions, two `nightcap renderer` daemons sending by SMTP to a local sink.
The full size (1,000 reports) runs in `make bench`. No timing is asserted but
the bound: the path must finish within its deadline.
"""

import datetime as dt
from collections import Counter

import pytest

from bench.load import LoadFailure, LoadOptions, Plan, prove_exactly_once, run
from bench.smtp_sink import Received

MINUTE = dt.datetime(2026, 11, 21, 22, 0, tzinfo=dt.UTC)


def quiet(_: str) -> None:
    pass


def test_thirty_reports_due_at_once_are_each_delivered_exactly_once(migrated_db, tmp_path):
    opts = LoadOptions(reports=30, organizations=3, deadline=60)
    outcome = run(migrated_db, opts, tmp_path, say=quiet)
    assert outcome.proof == {
        "jobs": 30,
        "runs_succeeded": 30,
        "reports_completed": 30,
        "deliveries_sent": 30,
        "delivery_attempts": 30,
        "messages_received": 30,
        "distinct_message_ids": 30,
        "expected_pairs": 30,
    }
    figures = outcome.figures
    assert figures["render_attempts"] == {"succeeded": 30}
    # api.work also ran any system job (hourly aggregation...) that fell due by the tick.
    assert set(figures["api_work_attempts"]) == {"succeeded"}
    assert figures["api_work_attempts"]["succeeded"] >= 30
    assert sum(figures["reports_per_daemon"].values()) == 30
    assert 0 < figures["time_to_first_delivery_s"] <= figures["time_to_last_delivery_s"]


def test_the_deadline_stops_the_run_and_fails_clearly(migrated_db, tmp_path):
    opts = LoadOptions(reports=3, organizations=1, deadline=0.01)
    with pytest.raises(LoadFailure, match=r"deadline of 0 s passed after \d+ s: "):
        run(migrated_db, opts, tmp_path, say=quiet)


# prove_exactly_once, on two clubs' reports written out by hand


def plan() -> Plan:
    return Plan(
        minute=MINUTE,
        organizations=["o"],
        jobs=[1, 2],
        expected=Counter({(11, "a@x.example"): 1, (12, "b@x.example"): 1}),
    )


def rows() -> tuple[list[dict], list[dict], list[dict]]:
    runs = [
        {"job_id": 1, "scheduled_for": MINUTE, "status": "succeeded", "attempt": 1},
        {"job_id": 2, "scheduled_for": MINUTE, "status": "succeeded", "attempt": 1},
    ]
    reports = [
        {"generation_id": 101, "job_id": 1, "venue_id": 11, "status": "completed"},
        {"generation_id": 102, "job_id": 2, "venue_id": 12, "status": "completed"},
    ]
    deliveries = [
        {
            "delivery_id": 7,
            "generation_id": 101,
            "destination": "a@x.example",
            "status": "sent",
            "attempts": 1,
            "message_id": "<m7@nightcap>",
            "idempotency_key": "k7",
        },
        {
            "delivery_id": 8,
            "generation_id": 102,
            "destination": "b@x.example",
            "status": "sent",
            "attempts": 1,
            "message_id": "<m8@nightcap>",
            "idempotency_key": "k8",
        },
    ]
    return runs, reports, deliveries


def message(delivery_id: int, to: str) -> Received:
    return Received("r@n.example", (to,), f"<m{delivery_id}@nightcap>", str(delivery_id),
                    f"k{delivery_id}", 100, 0.0)  # fmt: skip


def test_the_proof_counts_a_clean_run():
    runs, reports, deliveries = rows()
    received = [message(7, "a@x.example"), message(8, "b@x.example")]
    assert prove_exactly_once(plan(), runs, reports, deliveries, received) == {
        "jobs": 2,
        "runs_succeeded": 2,
        "reports_completed": 2,
        "deliveries_sent": 2,
        "delivery_attempts": 2,
        "messages_received": 2,
        "distinct_message_ids": 2,
        "expected_pairs": 2,
    }


def test_the_proof_refuses_a_message_received_twice():
    runs, reports, deliveries = rows()
    received = [message(7, "a@x.example"), message(8, "b@x.example"), message(8, "b@x.example")]
    with pytest.raises(LoadFailure) as failure:
        prove_exactly_once(plan(), runs, reports, deliveries, received)
    assert "SMTP sink: 1 messages too many, 0 missing" in str(failure.value)
    assert "1 Message-ID values received more than once" in str(failure.value)
    assert "1 X-Nightcap-Delivery values received more than once" in str(failure.value)


def test_the_proof_refuses_a_missing_delivery_a_failed_run_and_a_second_run():
    runs, reports, deliveries = rows()
    runs[1]["status"] = "failed"
    runs.append({"job_id": 1, "scheduled_for": MINUTE, "status": "succeeded", "attempt": 1})
    deliveries[1]["status"] = "deferred"
    received = [message(7, "a@x.example")]
    with pytest.raises(LoadFailure) as failure:
        prove_exactly_once(plan(), runs, reports, deliveries, received)
    text = str(failure.value)
    assert "runs per job: [(1, 1), (2, 1)], want 1 each" in text
    assert "runs: {'succeeded': 2, 'failed': 1}, want all succeeded" in text
    assert "deliveries: {'sent': 1, 'deferred': 1}, want all sent" in text
    assert "SMTP sink: 0 messages too many, 1 missing" in text
