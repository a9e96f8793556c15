"""Exclusive jobs: a Jetstream listener and enrichment run in one worker process only, however many are
started, and arXiv's one request every 3 seconds holds across processes; on SQLite and PostgreSQL.

The leases themselves (take, refuse, renew, run out, give back, race) are checked on the storage
functions; the rest with real ``papertalk`` processes against local Jetstream and arXiv look-alikes.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from papertalk.services.capture import sources
from papertalk.services.jobs import exclusive_jobs
from papertalk.services.jobs.exclusive_jobs import ExclusiveJobs
from papertalk.storage.engine import Engine, make_engine
from papertalk.storage.jobs.job_leases import release_leases, renew_leases, take_lease
from papertalk.storage.jobs.request_pacing import SharedPace
from tests.fake_arxiv import FakeArxiv, FakeClock
from tests.fake_jetstream import FakeJetstream, post_event
from tests.helpers import NOW, post, run_import, write_lines

PAPERTALK = str(Path(sys.executable).parent / "papertalk")
LISTEN = "listen:bluesky:jetstream:arxiv"


def test_a_lease_has_one_holder_until_it_runs_out_or_is_given_back(engine: Engine) -> None:
    assert take_lease(engine, "enrich", "a", NOW, 60).holder == "a"
    refused = take_lease(engine, "enrich", "b", NOW + 10, 60)
    assert (refused.holder, refused.expires_at) == ("a", NOW + 60)  # b learns who has it and until when
    assert take_lease(engine, "enrich", "a", NOW + 30, 60).expires_at == NOW + 90  # the holder renews
    assert renew_leases(engine, "a", NOW + 50, 60) == {"enrich"}
    assert take_lease(engine, "enrich", "b", NOW + 109, 60).holder == "a"
    assert take_lease(engine, "enrich", "b", NOW + 110, 60).holder == "b"  # a's lease ran out: b takes it
    assert renew_leases(engine, "a", NOW + 111, 60) == set()  # a finds it lost
    release_leases(engine, "b")
    assert take_lease(engine, "enrich", "c", NOW + 112, 60).holder == "c"  # given back: free at once


def test_racing_processes_get_one_lease(db_url: str, engine: Engine) -> None:
    engines = [make_engine(db_url) for _ in range(6)]
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda n: take_lease(engines[n], LISTEN, f"w{n}", NOW, 60).holder, range(6)))
    for e in engines:
        e.dispose()
    assert len(set(answers)) == 1 and answers[0] in {f"w{n}" for n in range(6)}


def test_a_shared_pace_spaces_every_process_and_a_wait_told_to_one_holds_for_all(engine: Engine) -> None:
    clock = FakeClock(now=float(NOW))  # one wall clock, as two processes on one host share
    first, second = (SharedPace(engine, "arxiv-api", 3.0, clock, clock.sleep) for _ in range(2))
    first.wait_turn()
    second.wait_turn()  # starts 3 s after the first's request, not at once
    assert clock.waits == [3.0]
    first.hold_off(60.0)  # the first was told Retry-After: 60
    second.wait_turn()
    assert clock.waits == [3.0, 60.0]
    first.wait_turn()  # and the first waits its 3 s after the second
    assert clock.waits == [3.0, 60.0, 3.0]


def _env(db_url: str, **more: str) -> dict[str, str]:
    return {**os.environ, "PAPERTALK_DATABASE_URL": db_url, **more}


def _wait_for_line(log: Path, pattern: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = re.search(pattern, log.read_text())
        if found:
            return found.group(0)
        time.sleep(0.05)
    raise AssertionError(f"no line matching {pattern!r} in {log.name} after {seconds:g} s:\n{log.read_text()}")


def test_a_second_worker_skips_the_exclusive_jobs_then_takes_them_over(
    engine: Engine, db_url: str, tmp_path: Path, fake_jetstream: FakeJetstream, arxiv: FakeArxiv
) -> None:
    fake_jetstream.add(*(post_event(k, "did:plc:zz", arxiv=f"2411.1000{k}") for k in range(1, 4)))
    sources.add(engine, "bluesky", "jetstream", "arxiv", NOW)
    run_import(engine, write_lines(tmp_path / "posts.jsonl", [post("p1", "ada", 1, text="arXiv:2401.00003")]))
    env = _env(db_url, PAPERTALK_JETSTREAM_URL=fake_jetstream.url, PAPERTALK_ARXIV_API_URL=arxiv.url)
    logs = {name: tmp_path / f"worker-{name}.log" for name in ("first", "second")}
    procs = {}
    try:
        for name in ("first", "second"):
            with logs[name].open("wb") as log:
                procs[name] = subprocess.Popen([PAPERTALK, "worker", "--tick", "0.2"], env=env, stderr=log)
            if name == "first":  # the second starts once the first holds both jobs
                _wait_for_line(logs["first"], f"event=job_taken job={LISTEN} ")
                _wait_for_line(logs["first"], "event=job_taken job=enrich ")
        first = _wait_for_line(logs["first"], r"holder=\S+").removeprefix("holder=")
        for job in (LISTEN, "enrich"):  # one line each, naming the holder
            _wait_for_line(logs["second"], f"event=job_skipped job={job} held_by={re.escape(first)} ")
        _wait_for_line(logs["first"], "event=enrich asked=1 filled=1")
        procs["first"].send_signal(signal.SIGTERM)
        assert procs["first"].wait(timeout=60) == 0
        for job in (LISTEN, "enrich"):  # given back on stopping: the second worker takes over
            _wait_for_line(logs["second"], f"event=job_taken job={job} ")
    finally:
        for proc in procs.values():
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    second = logs["second"].read_text()
    assert second.count("event=job_skipped") == 2  # said once per job, not at every look
    # Nothing of either job ran in the second worker before it took the job over.
    assert "source=bluesky:jetstream:arxiv" not in second[: second.index(f"event=job_taken job={LISTEN} ")]
    assert "event=enrich " not in second[: second.index("event=job_taken job=enrich ")]


def test_arxiv_pace_holds_across_processes(engine: Engine, db_url: str, tmp_path: Path, arxiv: FakeArxiv) -> None:
    cited = [post(f"p{n}", f"u{n}", 1, text=f"arXiv:2401.{n:05d}") for n in range(1, 201)]
    run_import(engine, write_lines(tmp_path / "posts.jsonl", cited))
    enrich = [PAPERTALK, "enrich", "--json"]
    env = _env(db_url, PAPERTALK_ARXIV_API_URL=arxiv.url)
    procs = [subprocess.Popen(enrich, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    for proc in procs:  # each asks for what is pending when it starts, in requests of 100 ids
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and json.loads(out)["asked"] > 0, err
    starts = sorted(r.received for r in arxiv.requests)
    gaps = [round(b - a, 2) for a, b in itertools.pairwise(starts)]
    assert len(starts) >= 3 and min(gaps) >= 2.5, gaps  # 3 s apart (less scheduling jitter); was < 1 s


def test_a_failed_renewal_is_one_log_line_and_the_renewals_go_on(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    jobs = ExclusiveJobs(engine, lambda: float(NOW), holder="w1")
    assert jobs.may_run("enrich")
    monkeypatch.setattr(exclusive_jobs, "RENEW_EVERY_SECONDS", 0.02)
    with engine.begin() as conn:  # the database fails every renewal: its leases table is gone
        conn.execute(text("ALTER TABLE job_leases RENAME TO job_leases_away"))
    stop = threading.Event()
    keeper = threading.Thread(target=jobs.keep, args=(stop,))
    with caplog.at_level(logging.WARNING, logger="papertalk.worker"):
        keeper.start()
        time.sleep(0.3)
        assert keeper.is_alive()  # the thread did not die with a traceback
        with engine.begin() as conn:  # the database is back: the next renewal keeps the lease
            conn.execute(text("ALTER TABLE job_leases_away RENAME TO job_leases"))
        time.sleep(0.2)
        stop.set()
        keeper.join(5)
    failures = [r.getMessage() for r in caplog.records if "event=lease_renewal_failed" in r.getMessage()]
    assert failures and all("\n" not in line and "job_leases" in line for line in failures)
    assert renew_leases(engine, "w1", NOW, 60) == {"enrich"}
