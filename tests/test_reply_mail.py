"""Reply notifications by email, on SQLite and PostgreSQL, against a real SMTP server on 127.0.0.1 (aiosmtpd,
tests/fake_smtp): off by default; turned on on the settings page (and its JSON twin); a comment on your
summary and a reply to your comment each make one message (both parts, the comment as written and as
rendered, RFC 8058 one-click unsubscribe), sent through the digests' outbox and never twice; a comment
deleted or hidden before the mail run is not sent; the one-click POST turns it off without signing in;
and the checkbox and the message's link in real headless Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from papertalk.services.mail import reply_mail
from papertalk.services.mail.mail_tokens import instance_secret
from papertalk.services.mail.outbox_sending import MailJob, queue_due, send_due
from papertalk.storage.tables import mail_outbox, summary_comments
from tests.browser import chromium, chromium_path
from tests.fake_smtp import SmtpServer, smtp_server
from tests.helpers import NOW
from tests.notes_world import PAPER, NotesWorld, Person, notes_world, summary_id_of
from tests.test_digest_mail import BASE, parts_of
from tests.test_notes_browser import page_of
from tests.test_people_web import settings_for

LATER = float(NOW + 86_400)  # the mail runs: after every write of a test


class Clock:
    """The site's clock: a second passes at each reading, so what is written after an opt-in is after it."""

    def __init__(self) -> None:
        self.at = float(NOW)

    def __call__(self) -> float:
        self.at += 1
        return self.at


@pytest.fixture
def mailed(db_url: str, tmp_path: Path) -> Iterator[tuple[NotesWorld, SmtpServer, MailJob]]:
    with smtp_server() as server:
        env = {"PAPERTALK_PUBLIC_BASE_URL": BASE, **server.env()}
        settings = settings_for(db_url, **env)
        job = MailJob(settings.mail, BASE, settings.ranking)
        with notes_world(db_url, tmp_path, clock=Clock(), **env) as world:
            yield world, server, job


def summary_of_ada(world: NotesWorld) -> int:
    fields = {"paper": PAPER, "kind": "summary", "title": "Linear nets", "source": "Every minimum is global.",
              "visibility": "public", "action": "save"}  # fmt: skip
    return summary_id_of(world.ada.post("/summaries/new", **fields))


def comment(world: NotesWorld, who: Person, summary: int, source: str, parent: int | None = None) -> int:
    extra = {"parent": str(parent)} if parent else {}
    answer = who.post(f"/summaries/{summary}/comments", source=source, **extra)
    assert answer.status_code == 303, answer.text[:300]
    with world.engine.connect() as conn:
        return int(conn.execute(select(func.max(summary_comments.c.id))).scalar_one())


def opt_in(who: Person) -> None:
    saved = who.post("/settings", timezone="UTC", categories="", language="en", email_replies="on")
    assert saved.status_code == 303, saved.text[:300]


def outbox_states(world: NotesWorld) -> list[str]:
    with world.engine.connect() as conn:
        return [r[0] for r in conn.execute(select(mail_outbox.c.state).order_by(mail_outbox.c.id))]


def test_replies_are_mailed_once_each_only_to_who_asked(mailed: tuple[NotesWorld, SmtpServer, MailJob]) -> None:
    world, server, job = mailed
    summary = summary_of_ada(world)
    comment(world, world.bob, summary, "Before anyone asked: not mailed.")
    assert world.ada.api("GET", "/api/v1/settings").json()["email_replies"] is False
    page = world.ada.client.get("/settings")
    assert re.search(r'<input type="checkbox" name="email_replies" id="email_replies"[^>]*>', page.text)
    assert not re.search(r'id="email_replies"[^>]*checked', page.text)  # off unless they turn it on
    opt_in(world.ada)
    assert re.search(r'id="email_replies"[^>]*checked', world.ada.client.get("/settings").text)
    assert world.bob.api("PATCH", "/api/v1/settings", {"email_replies": True}).json()["email_replies"] is True
    assert send_due(world.engine, job, lambda: LATER).sent == 0  # the archive is not mailed
    first = comment(world, world.bob, summary, "Nice: see $x^2$ and **this**.")
    reply = comment(world, world.carol, summary, "I disagree with bob.", parent=first)
    done = send_due(world.engine, job, lambda: LATER)
    assert (done.sent, done.failed, done.stopped) == (3, 0, None)  # ada: two comments on her summary; bob: a reply
    got = {(m.recipients[0], m.parsed()["Subject"]) for m in server.handler.received}
    assert got == {("ada@example.org", "bob commented on your summary on Deep linear networks"),
                   ("ada@example.org", "carol commented on your summary on Deep linear networks"),
                   ("bob@example.org", "carol replied to your comment on Deep linear networks")}  # fmt: skip
    to_bob = next(m.parsed() for m in server.handler.received if m.recipients == ["bob@example.org"])
    assert to_bob.get_content_type() == "multipart/alternative"
    assert re.fullmatch(r"<reply\.\d+\.\d+\.[0-9a-f]{12}@papertalk\.test>", to_bob["Message-ID"])
    parts = parts_of(to_bob)
    assert "I disagree with bob." in parts["text/plain"] and f"{BASE}/comments/{reply}" in parts["text/plain"]
    assert (
        "<p>I disagree with bob.</p>" in parts["text/html"] and f'href="{BASE}/comments/{reply}"' in parts["text/html"]
    )
    assert not re.search(r"\bsrc\s*=|url\(|<link|<img|<script|<iframe|@import", parts["text/html"], re.IGNORECASE)
    to_ada = next(m.parsed() for m in server.handler.received if "bob commented" in m.parsed()["Subject"])
    assert "<math" in parts_of(to_ada)["text/html"] and "$x^2$" in parts_of(to_ada)["text/plain"]
    assert to_bob["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert to_bob["List-Unsubscribe"].startswith(f"<{BASE}/mail/unsubscribe/r")
    # At most one message per reply: later runs find nothing new, and the server saw each Message-ID once.
    assert send_due(world.engine, job, lambda: LATER + 600).sent == 0
    assert queue_due(world.engine, job, int(LATER) + 600) == 0
    ids = server.handler.message_ids()
    assert len(ids) == len(set(ids)) == 3
    assert outbox_states(world) == ["sent"] * 3


def test_a_comment_deleted_or_hidden_before_the_run_is_not_sent(mailed: tuple[NotesWorld, SmtpServer, MailJob]) -> None:
    world, server, job = mailed
    opt_in(world.ada)
    summary = summary_of_ada(world)
    deleted = comment(world, world.bob, summary, "Oops, deleted before the run.")
    assert world.bob.post(f"/comments/{deleted}/delete").status_code == 303
    queued = comment(world, world.carol, summary, "Spam, hidden after it was queued.")
    assert queue_due(world.engine, job, int(LATER)) == 1  # the deleted one is not even queued
    hide = world.ada.post("/admin/reports", target="comment", id=str(queued), action="hide")
    assert hide.status_code == 303, hide.text[:300]
    done = send_due(world.engine, job, lambda: LATER)
    assert done.sent == 0 and server.handler.received == []
    assert outbox_states(world) == ["dropped"]  # never tried again
    kept = comment(world, world.bob, summary, "This one stays.")
    assert send_due(world.engine, job, lambda: LATER + 60).sent == 1
    assert [m.parsed()["Subject"] for m in server.handler.received] == [
        "bob commented on your summary on Deep linear networks"]  # fmt: skip
    assert kept


def test_one_click_unsubscribe_turns_reply_mail_off_without_signing_in(
    mailed: tuple[NotesWorld, SmtpServer, MailJob],
) -> None:
    world, server, job = mailed
    opt_in(world.ada)
    summary = summary_of_ada(world)
    comment(world, world.bob, summary, "Hello.")
    assert send_due(world.engine, job, lambda: LATER).sent == 1
    link = server.handler.received[0].parsed()["List-Unsubscribe"].strip("<>").removeprefix(BASE)
    with httpx.Client(base_url=world.base, timeout=30) as stranger:
        shown = stranger.get(link)  # a GET shows the form and changes nothing
        assert shown.status_code == 200 and "replies to your comments" in shown.text
        assert world.ada.api("GET", "/api/v1/settings").json()["email_replies"] is True
        one_click = stranger.post(link, content=b"List-Unsubscribe=One-Click",
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        assert one_click.status_code == 200 and "no more reply email" in one_click.text
        assert stranger.post(link).status_code == 200  # twice is fine
        forged = link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB")
        assert stranger.post(forged).status_code == 404
        other = reply_mail.unsubscribe_token(instance_secret(world.engine), world.bob.user.id)
        assert other != link.rsplit("/", 1)[1]  # each person's link is their own
    assert world.ada.api("GET", "/api/v1/settings").json()["email_replies"] is False
    comment(world, world.bob, summary, "Not mailed any more.")
    assert send_due(world.engine, job, lambda: LATER + 60).sent == 0 and len(server.handler.received) == 1


@pytest.mark.slow
@pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (make chromium installs it)")
def test_in_chromium_ada_turns_reply_mail_on_and_stops_it_from_the_message(tmp_path: Path) -> None:
    problems: list[str] = []
    with smtp_server() as server:
        env = {"PAPERTALK_PUBLIC_BASE_URL": BASE, **server.env()}
        url = f"sqlite:///{tmp_path / 'notes.sqlite3'}"
        settings = settings_for(url, **env)
        job = MailJob(settings.mail, BASE, settings.ranking)
        with notes_world(url, tmp_path, clock=Clock(), **env) as world, chromium() as browser:
            ada, outside = page_of(browser, world, world.ada, problems)
            ada.goto(f"{world.base}/settings")
            box = ada.get_by_label("Email me replies: comments on my summaries and replies to my comments")
            expect(box).not_to_be_checked()
            box.check()
            ada.get_by_role("button", name="Save settings").click()
            expect(ada.locator("#email_replies")).to_be_checked()
            comment(world, world.bob, summary_of_ada(world), "Seen from a browser.")
            assert send_due(world.engine, job, lambda: LATER).sent == 1
            link = server.handler.received[0].parsed()["List-Unsubscribe"].strip("<>").removeprefix(BASE)
            ada.goto(f"{world.base}{link}")
            ada.get_by_role("button", name="Unsubscribe").click()
            expect(ada.locator("#mail-unsubscribed")).to_contain_text("no more reply email")
            ada.goto(f"{world.base}/settings")
            expect(ada.locator("#email_replies")).not_to_be_checked()
    assert problems == [] and outside.blocked == []
