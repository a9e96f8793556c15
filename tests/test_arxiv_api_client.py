"""papertalk.arxiv.api_client end to end against a local arXiv look-alike on 127.0.0.1.

The server builds real-format Atom responses from a dict of known papers (unknown ids are simply absent,
malformed ids get arXiv's 400 error-entry feed), records every request, and can be scripted per test to
inject faults. The client runs on a fake clock whose fake sleep records every wait, so no test sleeps
for real beyond the timeout test's fraction of a second.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections import Counter
from email.utils import formatdate
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from papertalk.arxiv.api_client import ApiSettings, ArxivApiClient, ArxivApiError, BatchResult
from papertalk.arxiv.atom import parse_feed
from tests.fake_arxiv import (
    ALL_IDS,
    FakeArxiv,
    FakeClock,
    MakeClient,
    canned,
    dropped,
    slow,
    status,
    truncated,
)

ARXIV_API_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "arxiv_api"
REAL_FIXTURES = ARXIV_API_DATA / "arxiv.py_fixtures"


def only(results: list[BatchResult]) -> BatchResult:
    assert len(results) == 1
    return results[0]


# --- batching, request shape, politeness ----------------------------------------------------------------


def test_250_ids_make_three_requests_of_100_100_50(arxiv: FakeArxiv, clock: FakeClock, make_client: MakeClient) -> None:
    results = list(make_client().fetch(ALL_IDS))

    assert [len(r.ids) for r in arxiv.requests] == [100, 100, 50]
    assert [r.query["max_results"] for r in arxiv.requests] == [["100"], ["100"], ["50"]]
    asked = [i for r in arxiv.requests for i in r.ids]
    assert asked == ALL_IDS and set(Counter(asked).values()) == {1}
    assert {r.path for r in arxiv.requests} == {"/api/query"}
    assert [r.ids for r in results] == [ALL_IDS[:100], ALL_IDS[100:200], ALL_IDS[200:]]
    assert [r.attempts for r in results] == [1, 1, 1]
    assert [p.arxiv_id for r in results for p in r.page.papers] == ALL_IDS
    assert [(r.page.total_results, r.page.items_per_page) for r in results] == [(100, 100), (100, 100), (50, 50)]
    assert all(not r.page.errors for r in results)


def test_papers_come_back_as_the_feed_says(make_client: MakeClient) -> None:
    page = only(list(make_client().fetch(["2401.00005", "2401.00007"]))).page
    five, seven = page.papers
    assert five.title == "Paper 5: $\\alpha$-stable & <heavy> tails"
    assert five.authors == ("Ada Lovelace 5", "Émile Borel")
    assert five.abstract == "We study case 5 of $x < y$ & more. Second line."
    assert five.categories == ("cs.LG", "stat.ML")
    assert (five.latest_version, five.doi, five.journal_ref) == (3, "10.1000/test.5", "J. Tests 5 (2024)")
    assert (seven.doi, seven.journal_ref, seven.latest_version) == ("10.1000/test.7", None, 2)
    assert five.published_at == 1704218400  # 2024-01-02T18:00:00Z


def test_user_agent_names_papertalk(arxiv: FakeArxiv, make_client: MakeClient) -> None:
    list(make_client().fetch(ALL_IDS[:3]))
    agent = arxiv.requests[0].headers["user-agent"]
    assert agent == ApiSettings().user_agent
    assert agent.startswith("papertalk/")


def test_request_starts_are_three_seconds_apart_and_no_more_waiting_than_needed(
    arxiv: FakeArxiv, clock: FakeClock, make_client: MakeClient
) -> None:
    list(make_client().fetch(ALL_IDS))
    starts = [r.at for r in arxiv.requests]
    assert [b - a for a, b in itertools.pairwise(starts)] == pytest.approx([3.0, 3.0])
    assert clock.waits == pytest.approx([3.0, 3.0])  # the first request does not wait


def test_time_the_caller_spends_counts_towards_the_interval(
    arxiv: FakeArxiv, clock: FakeClock, make_client: MakeClient
) -> None:
    client = make_client(batch_size=2)
    batches = client.fetch(ALL_IDS[:8])
    next(batches)
    for spent in (0.5, 3.0, 10.0):
        clock.now += spent
        next(batches)
    assert clock.waits == pytest.approx([2.5])
    starts = [r.at for r in arxiv.requests]
    assert [b - a for a, b in itertools.pairwise(starts)] == pytest.approx([3.0, 3.0, 10.0])

    list(client.fetch(ALL_IDS[8:10]))  # the rule holds across calls on one client
    assert clock.waits == pytest.approx([2.5, 3.0])
    assert arxiv.requests[-1].at - arxiv.requests[-2].at == pytest.approx(3.0)


def test_duplicates_are_asked_once_and_nothing_is_asked_for_nothing(arxiv: FakeArxiv, make_client: MakeClient) -> None:
    client = make_client()
    assert list(client.fetch([])) == []
    assert arxiv.requests == []
    result = only(list(client.fetch(["2401.00001", "2401.00002", "2401.00001"])))
    assert arxiv.requests[0].ids == ["2401.00001", "2401.00002"] == result.ids


# --- Retry-After and backoff --------------------------------------------------------------------------------


def test_429_retry_after_seconds_is_honoured(arxiv: FakeArxiv, clock: FakeClock, make_client: MakeClient) -> None:
    arxiv.script = [status(429, ("Retry-After", "7"))]
    result = only(list(make_client().fetch(ALL_IDS[:5])))
    assert result.attempts == 2
    assert [p.arxiv_id for p in result.page.papers] == ALL_IDS[:5]
    assert clock.waits == pytest.approx([7.0])
    assert [r.ids for r in arxiv.requests] == [ALL_IDS[:5], ALL_IDS[:5]]
    assert arxiv.requests[1].at - arxiv.requests[0].at == pytest.approx(7.0)


def test_503_retry_after_http_date_is_honoured(arxiv: FakeArxiv, clock: FakeClock, make_client: MakeClient) -> None:
    now = time.time()
    arxiv.script = [
        status(503, ("Date", formatdate(now, usegmt=True)), ("Retry-After", formatdate(now + 20, usegmt=True)))
    ]
    result = only(list(make_client().fetch(ALL_IDS[:1])))
    assert result.attempts == 2
    assert clock.waits == pytest.approx([20.0])


@pytest.mark.parametrize(
    ("retry_after", "expected_waits"),
    [
        pytest.param(["3600", "3600"], [60.0, 60.0], id="seconds-capped-at-max_wait"),
        pytest.param(["in-an-hour", "in-an-hour"], [60.0, 60.0], id="date-capped-at-max_wait"),
        pytest.param(["1", "0"], [3.0, 3.0], id="shorter-than-min_interval-still-polite"),
        pytest.param(["soon", "soon"], [3.0, 6.0], id="unparseable-means-backoff"),
        pytest.param([None, None], [3.0, 6.0], id="missing-means-backoff"),
    ],
)
def test_retry_after_is_capped_and_falls_back_to_backoff(
    arxiv: FakeArxiv,
    clock: FakeClock,
    make_client: MakeClient,
    retry_after: list[str | None],
    expected_waits: list[float],
) -> None:
    hour_later = formatdate(time.time() + 3600, usegmt=True)
    arxiv.script = [
        status(429, *([("Retry-After", hour_later if v == "in-an-hour" else v)] if v is not None else []))
        for v in retry_after
    ]
    result = only(list(make_client(max_wait=60.0).fetch(ALL_IDS[:1])))
    assert result.attempts == 3
    assert clock.waits == pytest.approx(expected_waits)


@pytest.mark.parametrize("code", [500, 502, 504])
def test_server_error_then_success_backs_off(
    arxiv: FakeArxiv, clock: FakeClock, make_client: MakeClient, code: int
) -> None:
    arxiv.script = [status(code)]
    result = only(list(make_client().fetch(ALL_IDS[:2])))
    assert result.attempts == 2
    assert [p.arxiv_id for p in result.page.papers] == ALL_IDS[:2]
    assert clock.waits == pytest.approx([3.0])
    assert len(arxiv.requests) == 2


def test_backoff_doubles_per_attempt(arxiv: FakeArxiv, clock: FakeClock, make_client: MakeClient) -> None:
    arxiv.script = [status(500), status(502), status(500)]
    result = only(list(make_client(min_interval=2.0).fetch(ALL_IDS[:2])))
    assert result.attempts == 4
    assert clock.waits == pytest.approx([2.0, 4.0, 8.0])


def test_truncated_body_then_success(arxiv: FakeArxiv, clock: FakeClock, make_client: MakeClient) -> None:
    arxiv.script = [truncated]
    result = only(list(make_client().fetch(ALL_IDS[:4])))
    assert result.attempts == 2
    assert [p.arxiv_id for p in result.page.papers] == ALL_IDS[:4]
    assert clock.waits == pytest.approx([3.0])


def test_timeout_then_success(arxiv: FakeArxiv, clock: FakeClock, make_client: MakeClient) -> None:
    arxiv.script = [slow(2.0)]
    began = time.monotonic()
    result = only(list(make_client(timeout=0.5).fetch(ALL_IDS[:3])))
    assert time.monotonic() - began < 1.5  # gave up on the slow answer instead of waiting for it
    assert result.attempts == 2
    assert [p.arxiv_id for p in result.page.papers] == ALL_IDS[:3]
    assert clock.waits == pytest.approx([3.0])


def test_dropped_connection_then_success(arxiv: FakeArxiv, clock: FakeClock, make_client: MakeClient) -> None:
    arxiv.script = [dropped]
    result = only(list(make_client().fetch(ALL_IDS[:3])))
    assert result.attempts == 2
    assert clock.waits == pytest.approx([3.0])


# --- giving up ------------------------------------------------------------------------------------------------


def test_gives_up_after_max_attempts_with_a_one_line_message(
    arxiv: FakeArxiv, clock: FakeClock, make_client: MakeClient
) -> None:
    arxiv.script = [status(503)] * 5
    batches = make_client().fetch(ALL_IDS)
    with pytest.raises(ArxivApiError) as caught:
        next(batches)
    message = str(caught.value)
    assert message == (
        "arXiv API: gave up on 100 ids (2401.00001 … 2401.00100) after 5 attempts: HTTP 503 Service Unavailable"
    )
    assert "\n" not in message
    assert len(arxiv.requests) == 5
    assert all(r.ids == ALL_IDS[:100] for r in arxiv.requests)
    assert clock.waits == pytest.approx([3.0, 6.0, 12.0, 24.0])
    with pytest.raises(StopIteration):  # the generator is finished: no later batch is asked for
        next(batches)
    assert len(arxiv.requests) == 5


def test_give_up_message_names_the_last_failure(arxiv: FakeArxiv, clock: FakeClock, make_client: MakeClient) -> None:
    arxiv.script = [status(503), truncated, slow(1.0)]
    with pytest.raises(ArxivApiError) as caught:
        list(make_client(max_attempts=3, timeout=0.3, max_wait=5.0).fetch(ALL_IDS[:2]))
    assert str(caught.value) == (
        "arXiv API: gave up on 2 ids (2401.00001, 2401.00002) after 3 attempts: timed out after 0.3 s (ReadTimeout)"
    )
    assert clock.waits == pytest.approx([3.0, 5.0])  # backoff 6.0 capped at max_wait


def test_truncated_every_time_names_the_parse_error(arxiv: FakeArxiv, make_client: MakeClient) -> None:
    arxiv.script = [truncated] * 2
    with pytest.raises(ArxivApiError, match=r"after 2 attempts: HTTP 200 with an unusable body: .*truncated"):
        list(make_client(max_attempts=2).fetch(ALL_IDS[:3]))


def test_400_error_entry_is_an_answer_not_a_retry(arxiv: FakeArxiv, clock: FakeClock, make_client: MakeClient) -> None:
    result = only(list(make_client().fetch(["abc"])))
    assert result.attempts == 1 and result.ids == ["abc"]
    assert result.page.papers == []
    [error] = result.page.errors
    assert error.where == "https://arxiv.org/api/errors#incorrect_id_format_for_abc"
    assert error.reason == "incorrect id format for abc"
    assert len(arxiv.requests) == 1 and clock.waits == []


def test_400_without_an_error_feed_is_fatal(arxiv: FakeArxiv, make_client: MakeClient) -> None:
    arxiv.script = [status(400, body=b"<html>Bad Request</html>")]
    with pytest.raises(ArxivApiError, match=r"^arXiv API: gave up on 1 id \(2401.00001\) after 1 attempt: HTTP 400"):
        list(make_client().fetch(ALL_IDS[:1]))
    assert len(arxiv.requests) == 1


def test_404_is_fatal_at_once(arxiv: FakeArxiv, clock: FakeClock, make_client: MakeClient) -> None:
    client = make_client(base_url=arxiv.url.replace("/api/query", "/api/qurey"))
    with pytest.raises(ArxivApiError) as caught:
        list(client.fetch(ALL_IDS[:150]))
    assert (
        str(caught.value)
        == "arXiv API: gave up on 100 ids (2401.00001 … 2401.00100) after 1 attempt: HTTP 404 Not Found"
    )
    assert len(arxiv.requests) == 1 and clock.waits == []


def test_unknown_ids_are_simply_absent(arxiv: FakeArxiv, make_client: MakeClient) -> None:
    result = only(list(make_client().fetch(["2401.00001", "2401.99999", "hep-th/9901001", "2401.00002"])))
    assert [p.arxiv_id for p in result.page.papers] == ["2401.00001", "2401.00002"]
    assert result.page.errors == [] and result.page.total_results == 2
    assert result.attempts == 1


# --- settings and lifecycle ------------------------------------------------------------------------------------


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        ApiSettings(batch_size=0)
    with pytest.raises(ValueError, match="timeout"):
        ApiSettings(timeout=0)


def test_context_manager_closes_its_own_client_but_not_a_given_one(arxiv: FakeArxiv) -> None:
    with ArxivApiClient(ApiSettings(base_url=arxiv.url)) as own:
        assert only(list(own.fetch(ALL_IDS[:1]))).page.papers
    assert own._http.is_closed
    with httpx.Client() as given:
        with ArxivApiClient(ApiSettings(base_url=arxiv.url), http=given, sleep=lambda s: None) as client:
            assert only(list(client.fetch(ALL_IDS[:1]))).page.papers
        assert not given.is_closed


# --- real arXiv responses through the local server ------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["id_0808.05394_1707.08567_", "id_hep-ex_0406020v1_", "id_abc_", "id_0000.0000_"])
def test_real_responses_come_back_as_parse_feed_reads_them(
    arxiv: FakeArxiv, make_client: MakeClient, prefix: str
) -> None:
    if not REAL_FIXTURES.is_dir():
        pytest.skip(f"real arXiv samples not present: {REAL_FIXTURES}")
    files = sorted(REAL_FIXTURES.glob(f"{prefix}s0_m100_*.json"))
    if not files:
        pytest.skip(f"no real sample {prefix}* in {REAL_FIXTURES}")
    sample = json.loads(files[0].read_text(encoding="utf-8"))
    ids = parse_qs(urlsplit(sample["url"]).query)["id_list"][0].split(",")
    arxiv.script = [canned(sample["status_code"], sample["body"])]

    result = only(list(make_client().fetch(ids)))

    assert arxiv.requests[0].ids == ids
    assert result.attempts == 1
    assert result.page == parse_feed(sample["body"].encode())
    if sample["status_code"] == 400:
        assert result.page.errors
    else:
        assert {p.arxiv_id for p in result.page.papers} <= {re.sub(r"v\d+$", "", i) for i in ids}
