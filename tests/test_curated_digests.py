"""Curated digests on SQLite and PostgreSQL: a person, a shared network's editors or the site's admins
compose a day's digest (an intro, picked papers with comments, links with their authors), published at
a time; it shows above the computed part of that day's digest of its stream — on the page, the JSON twin,
its Atom feed, the email and `papertalk digest show` — and before its time only to its editors. Who may
write is checked in the service; bad input is refused naming the field and line, with nothing saved."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.core.people_records import User
from papertalk.services.digests.curated_writing import (
    CuratedInput,
    LinkInput,
    PickInput,
    links_from_lines,
    picks_from_lines,
    save_curated,
)
from papertalk.services.digests.digest_dates import parse_period
from papertalk.services.digests.digest_streams import own_stream, stream_for
from papertalk.services.digests.digest_view import digest
from papertalk.services.library import list_editing, list_reading
from papertalk.services.library.list_access import ListNotFound
from papertalk.services.mail.digest_message import Addressing, digest_message
from papertalk.services.networks import shared_networks
from papertalk.services.people import api_tokens, user_accounts
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import OPERATOR, NotAllowed
from papertalk.storage.engine import Engine
from tests.helpers import table
from tests.test_digests import DEC6, HOUR, NOW, settings_of, world
from tests.test_people_web import PASSWORD, csrf_of, signed_in
from tests.web_world import served

DAY = parse_period("2026-12-06")
INTRO = "Two papers on $\\Theta(k^3)$ bounds, and a *blog post*."
PICKS = (PickInput("2612.00002", "The **cleanest** proof"), PickInput("https://arxiv.org/abs/2612.00001"))
LINKS = (LinkInput("Why sparse recovery works", "https://blog.example.org/sparse", "Terence Tao"),)


def people(engine: Engine) -> tuple[User, User, User]:
    made = [user_accounts.add_user(engine, OPERATOR, n, f"{n}@example.org", PASSWORD, n == "ada", NOW)
            for n in ("ada", "bob", "cy")]  # fmt: skip
    shared_networks.create(engine, made[0], "lab", True, NOW)
    shared_networks.add_member(engine, made[0], "lab", "cy", "editor", NOW)
    return made[0], made[1], made[2]


def test_compose_publish_and_who_sees_it_where(engine: Engine, tmp_path: Path, db_url: str) -> None:
    world(engine, tmp_path)
    settings = settings_of(db_url)
    ada, bob, cy = people(engine)
    # Cy (an editor of lab) composes lab's digest of the 6th, published at 08:00 on the 7th (UTC).
    lab = CuratedInput("lab", "2026-12-06", "Lab picks", INTRO, PICKS, LINKS, DEC6 + 32 * HOUR)
    made = save_curated(engine, cy, lab, None, DEC6 + 20 * HOUR)
    lab_stream = stream_for(engine, None, None, "lab")
    before = digest(engine, settings.ranking, DEC6 + 31 * HOUR, DAY, lab_stream)  # a stranger, before 08:00
    assert before.curated == ()  # not yet
    editor_view = digest(engine, settings.ranking, DEC6 + 31 * HOUR, DAY, lab_stream, ada)  # ada owns lab
    assert [c.id for c in editor_view.curated] == [made]
    after = digest(engine, settings.ranking, NOW, DAY, lab_stream)
    (shown,) = after.curated
    assert (
        shown.byline == "the editors of lab"
        and "<math" in shown.intro_html
        and "<em>blog post</em>" in shown.intro_html
    )
    assert [p.item.arxiv_id for p in shown.picks] == ["2612.00002", "2612.00001"]
    assert shown.picks[0].item.verdict_html == "The <strong>cleanest</strong> proof" and shown.picks[0].paper
    assert [(i.title, i.author, i.url) for i in shown.links] == [(LINKS[0].title, "Terence Tao", LINKS[0].url)]
    # A lab member's own digest carries it too (so does their email); a week digest has none.
    assert [c.id for c in digest(engine, settings.ranking, NOW, DAY, own_stream(engine, cy)).curated] == [made]
    assert digest(engine, settings.ranking, NOW, parse_period("2026-W49"), lab_stream).curated == ()

    # As a list it is nobody's to open or change through the list pages: it could be made public there.
    assert made not in [r.id for r in list_reading.my_lists(engine, cy)]
    with pytest.raises(ListNotFound):
        list_editing.update_list(engine, settings, cy, made, 1, "Public now", "", "public", now=NOW)

    # Who may write: bob is no member of lab, not an admin; nobody signed out; a person only their own.
    for who, stream in ((bob, "lab"), (bob, "everyone"), (None, "own"), (bob, "no-such-network")):
        with pytest.raises(NotAllowed):
            save_curated(engine, who, CuratedInput(stream, "2026-12-06", "", "x"), None, NOW)
    # A stale save (made on version 1 after another one) is refused, nothing changed.
    save_curated(
        engine, ada, CuratedInput("lab", "2026-12-06", "Lab picks", INTRO, PICKS, (), DEC6 + 32 * HOUR), 1, NOW
    )
    with pytest.raises(FormProblem, match=r"^form: this digest changed since you opened it"):
        save_curated(engine, cy, CuratedInput("lab", "2026-12-06", "Overwritten", "", (), (), None), 1, NOW)
    assert digest(engine, settings.ranking, NOW, DAY, lab_stream).curated[0].title == "Lab picks"

    # Bad input: the field and line named, nothing saved.
    rows = table(engine, "SELECT * FROM list_items ORDER BY id")
    catalogue = "papers: line 3: arXiv:2612.09999 is not in papertalk's catalogue"
    problems = [
        (CuratedInput("own", "2026-12-06", "", "", picks_from_lines("2612.00001\nnot-an-id — hm")),
         "papers: line 2: 'not-an-id'"),
        (CuratedInput("own", "2026-12-06", "", "", (PickInput("2612.09999", "", 3),)), catalogue),
        (CuratedInput("own", "2026-12-06", "", "", (), (LinkInput("T", "javascript:alert(1)", "", 1),)),
         "links: line 1: 'javascript:alert(1)' is no http(s) address"),
        (CuratedInput("own", "2026-13-06", "", ""), "day: '2026-13-06' is not a day"),
    ]  # fmt: skip
    for given, message in problems:
        with pytest.raises(FormProblem, match="^" + re.escape(message)):
            save_curated(engine, ada, given, None, NOW)
    with pytest.raises(FormProblem, match=r"^links: line 2: write 'title \| author"):
        links_from_lines("A | https://a.example\nno separators here")
    assert table(engine, "SELECT * FROM list_items ORDER BY id") == rows

    # Everyone's digest: composed by an admin, published now; the email of anyone's own digest carries it.
    save_curated(
        engine, ada, CuratedInput("everyone", "2026-12-06", "Editors' choice", "Read these.", PICKS[:1]), None, NOW
    )
    assert digest(engine, settings.ranking, NOW, DAY, stream_for(engine, None, None, None)).curated == ()  # a draft
    save_curated(
        engine,
        ada,
        CuratedInput("everyone", "2026-12-06", "Editors' choice", "Read these.", PICKS[:1], (), NOW),
        1,
        NOW,
    )
    mine = digest(engine, settings.ranking, NOW, DAY, own_stream(engine, cy))
    assert [c.title for c in mine.curated] == ["Lab picks", "Editors' choice"]
    site = "https://pt.example"
    message = digest_message(
        mine, Addressing("pt <d@pt.example>", "cy", "cy@example.org", site, site + "/u", site + "/s"), NOW
    )
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and html is not None
    assert (
        "Lab picks (curated by the editors of lab)" in plain.get_content() and "Terence Tao" not in plain.get_content()
    )
    assert "Editors&#x27;" in html.get_content() or "Editors'" in html.get_content()
    assert "<img" not in html.get_content() and 'href="https://pt.example/abs/2612.00002"' in html.get_content()

    # The CLI shows the published ones above the computed part (it reads the real clock: the 7th is long past).
    runner, db = CliRunner(), ["--database", db_url]
    shown_json = runner.invoke(app, [*db, "digest", "show", "--date", "2026-12-06", "--network", "lab", "--json"])
    assert shown_json.exit_code == 0, shown_json.output
    assert [c["title"] for c in json.loads(shown_json.output)["curated"]] == ["Lab picks"]
    markdown = runner.invoke(app, [*db, "digest", "show", "--date", "2026-12-06", "--markdown"])
    assert "## Editors' choice (curated by papertalk's editors)" in markdown.output, markdown.output[:800]
    assert markdown.output.index("Editors' choice") < markdown.output.index("## 1.")


def test_compose_over_http_and_the_api_and_the_feed(engine: Engine, tmp_path: Path, db_url: str) -> None:
    world(engine, tmp_path)
    _, bob, _ = people(engine)
    token = api_tokens.create_token(engine, bob, bob.id, "script", "write", NOW).secret
    # No render cache: the feed is read as a draft, then again once published, within the same seconds.
    with served(settings_of(db_url), now=NOW, render_cache_seconds=0) as base, httpx.Client(base_url=base) as anonymous:
        client = signed_in(base, "cy")
        form = client.get("/digest/2026-12-06/compose?stream=lab")
        assert form.status_code == 200 and 'name="papers"' in form.text
        fields = {"csrf": csrf_of(form.text), "stream": "lab", "title": "Lab picks", "intro": INTRO,
                  "papers": "2612.00002 — The cleanest proof\n2612.09999", "links": "Sparse | Tao | https://blog.example.org/s",
                  "publish_at": "", "version": "", "action": "publish"}  # fmt: skip
        refused = client.post("/digest/2026-12-06/compose", data=fields)
        assert refused.status_code == 400 and 'id="papers-error"' in refused.text
        assert "papers: line 2: arXiv:2612.09999" in refused.text and "The cleanest proof" in refused.text  # kept
        forged = client.post("/digest/2026-12-06/compose", data={**fields, "csrf": "forged"})
        assert forged.status_code == 403
        fields["papers"] = "2612.00002 — The cleanest proof"
        saved = client.post("/digest/2026-12-06/compose", data=fields)
        assert saved.status_code == 303 and saved.headers["location"] == "/digest/2026-12-06?network=lab"
        page = anonymous.get("/digest/2026-12-06?network=lab").text
        assert page.index('class="curated"') < page.index('class="papers digest"')
        assert "Curated by the editors of lab" in page and "by Tao" in page and "Edit</a>" not in page
        assert "Edit</a>" in client.get("/digest/2026-12-06?network=lab").text
        data = anonymous.get("/digest/2026-12-06.json?network=lab").json()["curated"][0]
        assert data["papers"][0]["comment"] == "The cleanest proof" and data["links"][0]["author"] == "Tao"
        feed = anonymous.get("/feeds/curated.atom?network=lab")
        assert feed.status_code == 200 and "Lab picks (2026-12-06)" in feed.text and "Tao" in feed.text
        assert anonymous.get("/feeds/curated.atom?curator=nobody").status_code == 404
        # The API: Bob's token may write his own digest, not lab's; a draft is his only.
        bearer = {"Authorization": f"Bearer {token}"}
        body = {"stream": "own", "title": "Bob's day", "papers": [{"paper": "2612.00003", "comment": "fun"}],
                "links": [{"title": "A post", "url": "https://example.org/p", "author": "Bob"}]}  # fmt: skip
        put = anonymous.put("/api/v1/curated/2026-12-06", json=body, headers=bearer)
        assert put.status_code == 200 and put.json()["version"] == 1, put.text
        assert (
            anonymous.put("/api/v1/curated/2026-12-06", json={**body, "stream": "lab"}, headers=bearer).status_code
            == 403
        )
        again = anonymous.get("/api/v1/curated/2026-12-06", headers=bearer).json()
        assert again["title"] == "Bob's day" and again["published_at"] is None
        assert anonymous.get("/feeds/curated.atom?curator=bob").text.count("<entry>") == 0  # a draft
        stale = anonymous.put("/api/v1/curated/2026-12-06", json={**body, "published_at": NOW}, headers=bearer)
        assert stale.status_code == 400 and "changed since" in stale.json()["error"]
        put = anonymous.put(
            "/api/v1/curated/2026-12-06", json={**body, "published_at": NOW, "version": 1}, headers=bearer
        )
        assert put.status_code == 200 and put.json()["version"] == 2
        assert "Bob&#39;s day (2026-12-06)" in anonymous.get("/feeds/curated.atom?curator=bob").text
        bobs = signed_in(base, "bob")
        # The Compose link only where the reader may compose: Bob on his own digest, not on everyone's
        # (admins') nor lab's (he is no member); on lab's, Cy has it already: an Edit link instead.
        assert "Compose this day" not in bobs.get("/digest/2026-12-06?audience=everyone").text
        assert "Compose this day" not in bobs.get("/digest/2026-12-07?network=lab").text
        assert "Compose this day" in client.get("/digest/2026-12-07?network=lab").text
        assert "Compose this day" not in client.get("/digest/2026-12-06?network=lab").text
        assert "Bob's day" in bobs.get("/digest/2026-12-06").text
        assert "Bob's day" not in client.get("/digest/2026-12-06").text  # cy's own digest has lab's, not Bob's
