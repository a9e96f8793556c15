"""An id beyond what its column holds (the fuzzer's 2**63 and up, which SQLite cannot bind; 2**31 and up,
which PostgreSQL's INTEGER cannot) on every kind of route that takes one, over real HTTP on SQLite and
PostgreSQL: a path naming no row is a 404, a body, query or form field a 400 naming the field; never a 500.
The largest id that fits is an ordinary "not found". And a NUL in a network name, which PostgreSQL cannot
bind either."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from papertalk.web.row_ids import MAX_ROW_ID, parse_row_id
from tests.notes_world import PAPER, NotesWorld, notes_world, summary_id_of

HUGE = [str(2**31), str(2**63), "9" * 40]


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[NotesWorld]:
    with notes_world(db_url, tmp_path) as w:
        yield w


def test_parse_row_id_takes_only_ascii_digits_within_the_columns_range() -> None:
    assert parse_row_id("1") == 1 and parse_row_id(str(MAX_ROW_ID)) == MAX_ROW_ID
    assert parse_row_id("0007") == 7
    for raw in ["", "0", "-1", "+1", " 1", "1.0", "²", "١٢", str(MAX_ROW_ID + 1), "9" * 40]:
        assert parse_row_id(raw) is None, raw
    assert parse_row_id("0", least=0) == 0


@pytest.mark.parametrize("huge", HUGE)
def test_pages_with_an_id_beyond_the_column_are_not_found(world: NotesWorld, huge: str) -> None:
    reader = world.bob.client
    for path in [f"/summaries/{huge}", f"/summaries/{huge}/edit", f"/summaries/{huge}/history",
                 f"/comments/{huge}", f"/lists/{huge}", f"/lists/{huge}/print", f"/lists/{huge}/export.csv",
                 f"/lists/{huge}/feed.atom", f"/networks/{huge}"]:  # fmt: skip
        answer = reader.get(path)
        assert answer.status_code == 404, (path, answer.status_code, answer.text[:300])
        assert "text/html" in answer.headers["content-type"] and "less than or equal to" in answer.text, path
    for path in [f"/summaries/{huge}/vote", f"/summaries/{huge}/comments", f"/summaries/{huge}/delete",
                 f"/comments/{huge}/edit", f"/comments/{huge}/delete", f"/lists/{huge}/follow"]:  # fmt: skip
        answer = world.bob.post(path, vote="up", source="hello")
        assert answer.status_code == 404, (path, answer.status_code, answer.text[:300])


@pytest.mark.parametrize("huge", HUGE)
def test_api_paths_with_an_id_beyond_the_column_are_not_found_naming_the_field(world: NotesWorld, huge: str) -> None:
    calls = [("GET", f"/api/v1/summaries/{huge}", None),
             ("PUT", f"/api/v1/summaries/{huge}", {"source": "x"}),
             ("DELETE", f"/api/v1/summaries/{huge}", None),
             ("PUT", f"/api/v1/summaries/{huge}/vote", {"vote": "up"}),
             ("POST", f"/api/v1/summaries/{huge}/comments", {"source": "x"}),
             ("PUT", f"/api/v1/comments/{huge}", {"source": "x"}),
             ("DELETE", f"/api/v1/comments/{huge}", None),
             ("DELETE", f"/api/v1/tokens/{huge}", None),
             ("GET", f"/api/v1/lists/{huge}", None),
             ("DELETE", f"/api/v1/lists/{huge}/items/1?version=0", None),
             ("PUT", f"/api/v1/networks/{huge}/members", {"user": "carol", "role": "member"}),
             ("POST", f"/api/v1/networks/{huge}/accounts", {"account": "bluesky:a.bsky.social"})]  # fmt: skip
    for method, path, body in calls:
        answer = world.bob.api(method, path, body)
        assert answer.status_code == 404, (method, path, answer.status_code, answer.text[:300])
        error = answer.json()
        assert error["status"] == 404 and "_id: Input should be less than or equal to" in error["error"], path


def test_api_bodies_and_queries_with_an_id_beyond_the_column_are_a_400_naming_the_field(world: NotesWorld) -> None:
    summary = world.ada.api("POST", "/api/v1/summaries", {"arxiv_id": PAPER, "source": "A summary."}).json()["id"]
    reply = world.bob.api("POST", f"/api/v1/summaries/{summary}/comments", {"source": "hi", "parent_id": 2**31})
    assert reply.status_code == 400 and reply.json()["error"].startswith("parent_id: "), reply.text
    made = world.bob.api("POST", "/api/v1/lists", {"title": "Reading"}).json()
    stale = world.bob.api("DELETE", f"/api/v1/lists/{made['id']}/items/1?version={2**31}")
    assert stale.status_code == 400 and stale.json()["error"].startswith("version: "), stale.text
    edit = world.bob.api("PATCH", f"/api/v1/lists/{made['id']}", {"title": "R", "version": 2**64})
    assert edit.status_code == 400 and "version" in edit.json()["error"], edit.text
    # The largest id that fits reaches the database and is an ordinary miss.
    assert world.bob.api("GET", f"/api/v1/summaries/{MAX_ROW_ID}").status_code == 404
    assert world.bob.api("GET", f"/api/v1/lists/{MAX_ROW_ID}").status_code == 404


def test_form_fields_with_an_id_beyond_the_column_are_a_400_next_to_the_field(world: NotesWorld) -> None:
    summary = summary_id_of(world.ada.post("/summaries/new", paper=PAPER, kind="summary", title="t",
                                           source="A summary.", visibility="public", action="save"))  # fmt: skip
    assert world.bob.api("POST", "/api/v1/lists", {"title": "Reading"}).status_code == 201
    for raw in [str(2**31), str(2**63), "²"]:
        reply = world.bob.post(f"/summaries/{summary}/comments", source="hi", parent=raw)
        assert reply.status_code == 400 and "parent: " in reply.text, reply.text[:300]
        history = world.ada.client.get(f"/summaries/{summary}/history", params={"old": raw, "new": "1"})
        assert history.status_code == 400 and "old: " in history.text, history.text[:300]
        report = world.bob.post("/reports", target="summary", id=raw, reason="spam")
        assert report.status_code == 400, report.text[:300]
        token = world.bob.post("/account/tokens/revoke", token_id=raw)
        assert token.status_code == 400 and "no live token of yours has this number" in token.text
        network = world.bob.post("/networks/invite", network=raw)
        assert network.status_code == 404, network.text[:300]
        invitation = world.ada.post("/admin/invitations/revoke", invitation_id=raw)
        assert invitation.status_code == 400 and "no unused invitation" in invitation.text
        listed = world.bob.post("/lists/add", paper=PAPER, list=raw)
        assert listed.status_code == 400 and "is not a row id" in listed.text, listed.text[:300]


def test_a_nul_in_a_network_name_is_not_found(world: NotesWorld) -> None:
    # The other value the drivers refuse: PostgreSQL takes no NUL in a text parameter (found by the fuzzer).
    for path in ["/feeds/digest.atom", "/digest", "/", "/api/v1/trending"]:
        answer = world.anonymous().get(path, params={"network": "a\x00b"})
        assert answer.status_code == 404, (path, answer.status_code, answer.text[:300])
        assert "no public network named" in answer.text, path
