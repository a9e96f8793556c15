"""A person's own digest's news on SQLite and PostgreSQL: the items added that day to the public lists they
follow and the public summaries first published that day on papers their network cited, dated by when
they happened (later additions never change a past day; a removal or a list made private takes them off),
on the page, its JSON twin, the private Atom feed and both parts of the email."""

from __future__ import annotations

from pathlib import Path

import httpx

from papertalk.core.list_records import PRIVATE, PUBLIC, UNLISTED
from papertalk.services.capture.accounts import add_ids_to_network
from papertalk.services.digests.digest_dates import parse_period
from papertalk.services.digests.digest_streams import own_stream
from papertalk.services.digests.digest_view import digest
from papertalk.services.digests.feed_tokens import reset_feed_token
from papertalk.services.library import list_adding, list_editing, list_reading, moderation, summaries
from papertalk.services.mail.digest_message import Addressing, digest_message
from papertalk.services.networks.my_network import ensure_network
from papertalk.services.people import user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.storage.capture.account_rows import account_ids_by_platform_id
from papertalk.storage.engine import Engine
from tests.test_digests import DEC6, HOUR, NOW, settings_of, world
from tests.test_people_web import PASSWORD, signed_in
from tests.web_world import served

DAY = parse_period("2026-12-06")
NEXT_DAY = parse_period("2026-12-07")


def news(engine: Engine, ada: object, period: object = DAY, now: int = NOW) -> tuple[list[str], list[str]]:
    found = digest(engine, settings_of("sqlite://").ranking, now, period, own_stream(engine, ada))  # type: ignore[arg-type]
    return [n.title for n in found.news.list_items], [n.title for n in found.news.summaries]


def test_followed_lists_and_new_summaries_are_dated_and_public_only(
    engine: Engine, tmp_path: Path, db_url: str
) -> None:
    world(engine, tmp_path)
    settings = settings_of(db_url)
    ada, bob, eve = (user_accounts.add_user(engine, OPERATOR, n, f"{n}@example.org", PASSWORD, n == "eve", NOW)
                     for n in ("ada", "bob", "eve"))  # fmt: skip
    with engine.connect() as conn:
        ids = account_ids_by_platform_id(conn)
    add_ids_to_network(engine, ensure_network(engine, ada).name, [ids[("bluesky", "u9")]])  # u9 cited 2612.00003

    def add(list_id: int, what: str, at: int, title: str = "") -> None:
        list_adding.add_item(engine, settings, bob, list_id, what, now=at, title=title, verdict="Worth a *look*")

    picks = list_editing.create_list(engine, bob, "Bob's picks", "", PUBLIC, DEC6 - 2 * HOUR)
    add(picks, "https://example.org/before", DEC6 - HOUR, "Added before Ada followed")
    list_reading.set_follow(engine, ada, picks, True, DEC6 - HOUR // 2)
    add(picks, "2612.00002", DEC6 + 2 * HOUR)
    add(picks, "https://example.org/talk", DEC6 + 3 * HOUR, "A talk on $x^2$")
    hidden = list_editing.create_list(engine, bob, "Unlisted notes", "", UNLISTED, DEC6 - 2 * HOUR)
    list_reading.set_follow(engine, ada, hidden, True, DEC6 - HOUR)
    add(hidden, "https://example.org/unlisted", DEC6 + 4 * HOUR, "On an unlisted list")
    later_private = list_editing.create_list(engine, bob, "Going private", "", PUBLIC, DEC6 - 2 * HOUR)
    list_reading.set_follow(engine, ada, later_private, True, DEC6 - HOUR)
    add(later_private, "https://example.org/soon-private", DEC6 + 5 * HOUR, "On a list made private later")

    def summary(who: object, arxiv_id: str, title: str, visibility: str, at: int) -> int:
        draft = summaries.draft_of(title, f"Text of {title}", visibility, False)
        return summaries.save_summary(engine, settings, who, arxiv_id, draft, at).id  # type: ignore[arg-type]

    summary(bob, "2612.00003", "Bob on the third paper", "public", DEC6 + 6 * HOUR)
    summary(bob, "2612.00001", "Not a paper of Ada's network", "public", DEC6 + 6 * HOUR)
    late = summary(eve, "2612.00003", "Drafted privately on the 6th", "private", DEC6 + 7 * HOUR)
    summary(ada, "2612.00003", "Unlisted", "unlisted", DEC6 + 8 * HOUR)

    items, written = news(engine, ada)
    assert items == ["Second paper", "A talk on $x^2$", "On a list made private later"]
    assert written == ["Bob on the third paper"]

    # Later: more items, and eve publishes her summary on the 7th. The 6th does not change; the 7th has them.
    add(picks, "https://example.org/next", DEC6 + 30 * HOUR, "Added on the 7th")
    draft = summaries.draft_of("Drafted privately on the 6th", "Now public", "public", False)
    summaries.edit(engine, settings, eve, late, draft, DEC6 + 31 * HOUR)
    assert news(engine, ada) == (items, written)
    assert news(engine, ada, NEXT_DAY) == (["Added on the 7th"], ["Drafted privately on the 6th"])

    # Removals take things off every day: a list made private, an item removed, a summary made private.
    version = list_reading.list_view(engine, bob, later_private).ref.version
    list_editing.update_list(engine, settings, bob, later_private, version, "Going private", "", PRIVATE, now=NOW)
    view = list_reading.list_view(engine, bob, picks)
    talk = next(i for i in view.all_items() if i.title == "A talk on $x^2$")
    list_editing.remove_item(engine, settings, bob, picks, view.ref.version, talk.id, NOW)
    moderation.set_hidden(engine, settings, eve, "summary", late, True, NOW)  # eve is an admin
    assert news(engine, ada) == (["Second paper"], ["Bob on the third paper"])
    assert news(engine, ada, NEXT_DAY) == (["Added on the 7th"], [])

    # Everywhere the person's digest goes: the page, its JSON twin, the private feed, both parts of the mail.
    token = reset_feed_token(engine, ada, ada, NOW)  # type: ignore[arg-type]
    with served(settings, now=NOW) as base, httpx.Client(base_url=base, timeout=30) as anonymous:
        client = signed_in(base, "ada")
        page = client.get("/digest/2026-12-06").text
        assert "New on the lists you follow" in page and "on Bob&#39;s picks by bob" in page
        assert "Worth a <em>look</em>" in page and 'href="/summaries/' in page
        data = client.get("/digest/2026-12-06.json").json()["news"]
        assert [n["title"] for n in data["list_items"]] == ["Second paper"]
        assert data["summaries"][0]["url"].startswith("http") and "/summaries/" in data["summaries"][0]["url"]
        assert "New on the lists you follow" not in anonymous.get("/digest/2026-12-06").text  # everyone's digest
        feed = anonymous.get(f"/feeds/digest/{token}.atom").text
        assert "New public summaries on your network" in feed and "Bob on the third paper" in feed
    found = digest(engine, settings.ranking, NOW, DAY, own_stream(engine, ada))  # type: ignore[arg-type]
    site = "https://pt.example"
    to = Addressing("papertalk <digest@example.org>", "ada", "ada@example.org", site, f"{site}/u", f"{site}/s")
    message = digest_message(found, to, NOW)
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    assert "Bob on the third paper" in plain.get_content() and "https://pt.example/summaries/" in plain.get_content()
    assert "Second paper" in html.get_content() and 'href="https://pt.example/abs/2612.00002"' in html.get_content()
