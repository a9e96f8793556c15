"""Importing neutral files on SQLite and PostgreSQL: counting, inheritance, completion, idempotency."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papertalk.core.records import Author
from papertalk.storage.capture.account_rows import upsert_accounts
from papertalk.storage.engine import Engine
from tests.helpers import assert_day_counts_exact, post, run_import, snapshot, table, write_lines

A = "https://arxiv.org/abs/2411.01234v2"


def world() -> list[dict[str, object]]:
    return [
        post("p1", "ada", 30, text="Finally someone fixed it: arxiv.org/abs/2411.01234", links=[A, A]),
        post("r1", "bo", 20, "repost", original="p1"),
        post("q1", "cy", 10, "quote", original="p1", text="and see arXiv:2411.05555"),
        post("r2", "dee", 5, "repost", original="q1"),
        post("y1", "eve", 4, "reply", original="p1", text="is this better than 2401.00001?"),
        post("y2", "fay", 3, "reply", original="p1", text="the PDF https://arxiv.org/pdf/2411.07777v1.pdf"),
    ]


def test_mentions_follow_kinds(engine: Engine, tmp_path: Path) -> None:
    run_import(engine, write_lines(tmp_path / "a.jsonl", world()))
    mentions = {(p, a, inherited) for p, a, _v, _acc, _t, _k, inherited in snapshot(engine)["mentions"]}
    assert mentions == {
        ("p1", "2411.01234", False),  # cited twice, counted once
        ("r1", "2411.01234", True),  # a repost carries its original's paper
        ("q1", "2411.01234", True),  # a quote carries its original's paper...
        ("q1", "2411.05555", False),  # ...and its own
        ("r2", "2411.01234", True),  # a repost of a quote carries both
        ("r2", "2411.05555", True),
        ("y2", "2411.07777", False),  # a reply carries only its own links; y1's bare number is not an id
    }
    versions = {(p, a): v for p, a, v, *_ in snapshot(engine)["mentions"]}
    assert versions[("p1", "2411.01234")] == 2
    assert versions[("y2", "2411.07777")] == 1


def test_a_nul_character_is_stored_as_a_space_on_both_backends(engine: Engine, tmp_path: Path) -> None:
    """PostgreSQL cannot store NUL in text; a post carrying one (any platform's JSON may) is not lost."""
    quoted = post("o1", "bob", 3, text="orig\u0000inal arXiv:2411.01234")
    records = [
        post("n1", "ann", 2, text="Great\u0000paper arxiv.org/abs/2411.05555", lang="e\u0000n"),
        {**post("n2", "c\u0000y", 1, kind="quote", original=quoted, text="yes"), "url": "https://x.y/\u0000"},
    ]
    records[0]["author"]["name"] = "A\u0000nn"
    importer, rejects = run_import(engine, write_lines(tmp_path / "nul.jsonl", records), batch_size=500)
    assert rejects == [] and importer.summary.posts_new == 3
    assert table(engine, "SELECT post_id, text, url, lang FROM posts ORDER BY post_id") == [
        ("n1", "Great paper arxiv.org/abs/2411.05555", None, "e n"),
        ("n2", "yes", "https://x.y/ ", None),
        ("o1", "orig inal arXiv:2411.01234", None, None),
    ]
    assert table(engine, "SELECT platform_id, display_name FROM accounts ORDER BY platform_id") == [
        ("ann", "A nn"),
        ("bob", None),
        ("c y", None),
    ]
    assert {a for _p, a, *_ in snapshot(engine)["mentions"]} == {"2411.05555", "2411.01234"}


def test_followed_accounts_with_a_nul_are_stored_as_their_posts_store_them(engine: Engine) -> None:
    """Accounts written directly (followed accounts, X archive owners) get the same space as their posts."""
    with engine.begin() as conn:
        ids = upsert_accounts(conn, [Author("bluesky", "did:plc:a\x00b", "h\x00.bsky.social", "N\x00ame")])
        again = upsert_accounts(conn, [Author("bluesky", "did:plc:a b")])
    assert ids == again
    assert table(engine, "SELECT platform_id, handle, display_name FROM accounts") == [
        ("did:plc:a b", "h .bsky.social", "N ame")
    ]


def test_same_file_twice_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.jsonl", world())
    first, _ = run_import(engine, path)
    before = snapshot(engine)
    again, _ = run_import(engine, path)  # resumes at the end: reads nothing
    assert again.summary.lines == 0
    assert again.summary.resumed_at == {str(path): 6}
    forced, _ = run_import(engine, path, restart=True)  # reads everything again
    assert forced.summary.posts_read == 6
    assert forced.summary.posts_new == 0
    assert forced.summary.papers_new == 0
    assert snapshot(engine) == before
    assert first.summary.posts_new == 6
    assert_day_counts_exact(engine)  # the replayed batches recounted their days, adding nothing


def test_late_original_completes_placeholder_and_flows_to_reposts(engine: Engine, tmp_path: Path) -> None:
    reposts = [
        post("r1", "bo", 20, "repost", original="late"),
        post("q1", "cy", 10, "quote", original="late", text="wow"),
        post("r2", "dee", 5, "repost", original="q1"),
    ]
    run_import(engine, write_lines(tmp_path / "a.jsonl", reposts))
    assert snapshot(engine)["mentions"] == []
    placeholder = table(engine, "SELECT account_id, kind FROM posts WHERE post_id = 'late'")
    assert placeholder == [(None, None)]
    original = post("late", "ada", 30, text="new: arxiv.org/abs/2411.01234")
    importer, _ = run_import(engine, write_lines(tmp_path / "b.jsonl", [original]))
    assert importer.summary.posts_completed == 1 and importer.summary.posts_new == 0
    snap = snapshot(engine)
    assert {(p, a) for p, a, *_ in snap["mentions"]} == {
        ("late", "2411.01234"),
        ("r1", "2411.01234"),
        ("q1", "2411.01234"),
        ("r2", "2411.01234"),
    }
    assert len(table(engine, "SELECT id FROM posts WHERE post_id = 'late'")) == 1
    assert_day_counts_exact(engine)  # the stored reposts' inherited mentions are counted too
    assert {(p, who) for p, who, _t, _k in snap["votes"]} == {
        ("2411.01234", "ada"),
        ("2411.01234", "bo"),
        ("2411.01234", "cy"),
        ("2411.01234", "dee"),
    }


def test_post_seen_again_with_more_data_is_completed(engine: Engine, tmp_path: Path) -> None:
    run_import(engine, write_lines(tmp_path / "a.jsonl", [post("p1", "ada", 30, text="")]))
    assert snapshot(engine)["mentions"] == []
    richer = post("p1", "ada", 30, text="read this", links=["https://arxiv.org/abs/2411.01234"], url="https://x/p1")
    run_import(engine, write_lines(tmp_path / "b.jsonl", [richer]))
    run_import(engine, write_lines(tmp_path / "c.jsonl", [post("p1", "ada", 30, text="")]))  # erases nothing
    rows = table(engine, "SELECT text, url FROM posts WHERE post_id = 'p1'")
    assert rows == [("read this", "https://x/p1")]
    assert [(p, a) for p, a, *_ in snapshot(engine)["mentions"]] == [("p1", "2411.01234")]
    assert_day_counts_exact(engine)


def test_one_vote_per_account_keeps_first_time_and_all_kinds(engine: Engine, tmp_path: Path) -> None:
    records = [
        post("p1", "ada", 30, text="arXiv:2411.01234"),
        post("r1", "bo", 20, "repost", original="p1"),
        post("p2", "bo", 10, text="actually great: arXiv:2411.01234"),
        post("r3", "bo", 25, "repost", original="p1"),  # out of order: earlier than r1
    ]
    run_import(engine, write_lines(tmp_path / "a.jsonl", records), batch_size=1)
    votes = {who: (t, kinds) for _p, who, t, kinds in snapshot(engine)["votes"]}
    from tests.helpers import NOW

    assert votes["bo"] == (NOW - 25 * 3600, 8 | 1)
    assert votes["ada"] == (NOW - 30 * 3600, 1)


def test_bad_lines_are_reported_and_the_rest_imported(engine: Engine, tmp_path: Path) -> None:
    records: list[object] = [
        post("p1", "ada", 30, text="arXiv:2411.01234"),
        b"{oops",
        post("p2", "bo", 20, created_at="2026-11-19 10:00"),
        b"",
        post("p3", "cy", 10, "repost"),
        b'"just a string"',
        post("p4", "dee", 5, text="arXiv:2411.05555"),
    ]
    importer, rejects = run_import(engine, write_lines(tmp_path / "mixed.jsonl", records))
    assert [r.split(": ")[0] for r in rejects] == [
        "mixed.jsonl:2",
        "mixed.jsonl:3",
        "mixed.jsonl:5",
        "mixed.jsonl:6",
    ]
    assert "invalid JSON" in rejects[0]
    assert "created_at" in rejects[1]
    assert "original" in rejects[2]
    assert importer.summary.rejected == 4
    assert importer.summary.posts_read == 2
    assert [p for _pl, p, *_ in snapshot(engine)["posts"]] == ["p1", "p4"]


def test_interrupted_import_resumes_without_double_counting(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [post(f"p{i}", f"u{i % 7}", 50 - i, text=f"arXiv:2411.{i % 5:05d}") for i in range(1, 40)]
    records += [post(f"r{i}", f"v{i % 5}", 9, "repost", original=f"p{i}") for i in range(1, 40, 3)]
    path = write_lines(tmp_path / "a.jsonl", records)
    reference_engine_snapshot = None

    from papertalk.storage.ingest.ingest_store import IngestStore

    real = IngestStore.write_batch
    calls = {"n": 0}

    def crash_on_fifth(self: IngestStore, *args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt("simulated kill")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(IngestStore, "write_batch", crash_on_fifth)
    with pytest.raises(KeyboardInterrupt):
        run_import(engine, path, batch_size=4)
    monkeypatch.setattr(IngestStore, "write_batch", real)
    partial = table(engine, "SELECT line_number FROM import_checkpoints")
    assert partial == [(16,)]  # four batches of four lines committed
    assert_day_counts_exact(engine)  # the killed batch counted nothing
    resumed, _ = run_import(engine, path, batch_size=4)
    assert resumed.summary.resumed_at == {str(path): 16}
    reference_engine_snapshot = snapshot(engine)
    assert_day_counts_exact(engine)
    forced, _ = run_import(engine, path, restart=True, batch_size=4)
    assert forced.summary.posts_new == 0
    assert snapshot(engine) == reference_engine_snapshot
    assert_day_counts_exact(engine)
    assert len(reference_engine_snapshot["posts"]) == 39 + 13


def _scrambled_world(seed: int) -> list[dict[str, object]]:
    from tests.test_trending_sql import random_world

    records, _ = random_world(seed, n=150)
    return records


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order_seed=st.integers(0, 10_000), batch_size=st.integers(3, 60), repeat=st.integers(0, 30))
def test_any_order_batching_and_repetition_give_the_same_database(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory, order_seed: int, batch_size: int, repeat: int
) -> None:
    """Arrival order, batch boundaries and duplicated lines never change what is stored or counted."""
    import random as _random

    from papertalk.storage.dialect_sql import BulkSql

    records = _scrambled_world(11)
    folder = tmp_path_factory.mktemp("scrambled")
    ordered = write_lines(folder / "ordered.jsonl", records)
    shuffled = list(records) + records[:repeat]
    _random.Random(order_seed).shuffle(shuffled)
    scrambled = write_lines(folder / "scrambled.jsonl", shuffled)
    with engine.begin() as conn:  # start from an empty database for every example
        sql = BulkSql(engine.dialect.name)
        for table in ("paper_day_mentions", "window_scores", "window_state", "votes", "mentions",
                      "network_accounts", "posts", "papers", "accounts", "import_checkpoints"):  # fmt: skip
            sql.execute(conn, f"DELETE FROM {table}")
    run_import(engine, ordered, batch_size=500)
    reference = snapshot(engine)
    with engine.begin() as conn:
        for table in ("paper_day_mentions", "window_scores", "window_state", "votes", "mentions", "posts",
                      "papers", "accounts", "import_checkpoints"):  # fmt: skip
            sql.execute(conn, f"DELETE FROM {table}")
    run_import(engine, scrambled, batch_size=batch_size)
    assert snapshot(engine) == reference
    assert_day_counts_exact(engine)  # whatever the order, batching and repeated lines


def test_account_cache_overflow_keeps_every_author(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papertalk.storage.ingest import batch_load

    monkeypatch.setattr(batch_load, "CACHE_LIMIT", 3)
    records = [post(f"p{i}", f"u{i % 9}", 50 - i, text="arXiv:2411.01234") for i in range(40)]
    importer, _ = run_import(engine, write_lines(tmp_path / "a.jsonl", records), batch_size=7)
    assert importer.summary.posts_new == 40
    assert len(table(engine, "SELECT id FROM accounts")) == 9


def test_the_garbage_collector_runs_rarely_while_chunks_are_prepared_and_as_before_afterwards() -> None:
    import gc

    from papertalk.services.bulk_gc import BULK_GC_THRESHOLD
    from papertalk.services.line_files import RawChunk, prepared_in_order

    before = gc.get_threshold()
    seen: list[int] = []

    def prepare(chunk: RawChunk, _now: int) -> int:
        seen.append(gc.get_threshold()[0])
        return len(chunk.lines)

    chunks = iter([RawChunk(1, [b"a", b"b"], 4), RawChunk(3, [b"c"], 6)])
    assert list(prepared_in_order(chunks, prepare, 0, parallel=False)) == [2, 1]
    assert seen == [BULK_GC_THRESHOLD, BULK_GC_THRESHOLD]
    assert gc.get_threshold() == before


def worker_pid(_chunk: object, _now: int) -> int:
    import os

    return os.getpid()


def test_the_preparing_worker_leaves_when_the_importing_process_is_killed() -> None:
    """kill -9 of an import must not leave its worker process waiting forever."""
    import os
    import signal
    import subprocess
    import sys
    import time

    code = (
        "import sys, time\n"
        "from papertalk.services.line_files import RawChunk, prepared_in_order\n"
        "from tests.test_ingest import worker_pid\n"
        "chunks = iter([RawChunk(1, [b'x'], 2)] * 10)\n"
        "prepared = prepared_in_order(chunks, worker_pid, 0, parallel=True)\n"
        "print(next(prepared), flush=True)\n"
        "time.sleep(120)\n"
    )
    root = Path(__file__).resolve().parents[1]
    importer = subprocess.Popen([sys.executable, "-c", code], cwd=root, stdout=subprocess.PIPE, text=True)
    assert importer.stdout is not None
    worker = int(importer.stdout.readline())
    assert worker != importer.pid
    os.kill(worker, 0)  # alive while the importer is
    importer.send_signal(signal.SIGKILL)
    importer.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(worker, signal.SIGKILL)
    raise AssertionError(f"worker {worker} still running 15 s after its importer was killed")


def test_reader_links_find_their_paper(engine: Engine, tmp_path: Path) -> None:
    """A post whose only link is a reader page (arxiv-vanity, issue 21 item 2) mentions that paper."""
    records = [post("v1", "ada", 2, links=["https://www.arxiv-vanity.com/papers/1805.09501/"], text="worth a read")]
    _, rejects = run_import(engine, write_lines(tmp_path / "vanity.jsonl", records))
    assert rejects == []
    assert table(engine, "SELECT p.arxiv_id FROM mentions m JOIN papers p ON p.id = m.paper_id") == [("1805.09501",)]
