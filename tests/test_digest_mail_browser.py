"""The digest email end to end in a real headless Chromium (Debian's, through Playwright) against a real SMTP
server on 127.0.0.1 (aiosmtpd, tests/fake_smtp.py): a person signs up, opts in on the settings page, opens
the confirmation link from the message the server received and presses Confirm (a POST); the sender (what
the worker runs every minute) hands the digest to the server; the test reads it and opens its one-click
unsubscribe link, whose page's button makes the POST. Every request leaving 127.0.0.1 fails the test."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from papertalk.config import Settings
from papertalk.services.capture.accounts import add_ids_to_network
from papertalk.services.mail.outbox_sending import MailJob, send_due
from papertalk.services.networks.my_network import network_of
from papertalk.services.people.user_accounts import find_user
from papertalk.storage.capture.account_rows import account_ids_by_platform_id
from papertalk.storage.engine import make_engine
from tests.browser import PHONE, OutsideRequests, chromium, chromium_path, sign_in
from tests.databases import migrate_fast
from tests.fake_smtp import smtp_server
from tests.test_digest_mail import parts_of
from tests.test_digests import NOW, world
from tests.web_world import served

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (make chromium installs it)"),
]
PASSWORD = "a long enough password"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_sign_up_opt_in_confirm_receive_and_unsubscribe_in_one_click(tmp_path: Path) -> None:
    # SQLite: the browser's path is the same on both backends, and tests/test_digest_mail.py runs on both
    db_url = f"sqlite:///{tmp_path / 'mail.sqlite3'}"
    engine = make_engine(migrate_fast(db_url))
    world(engine, tmp_path)
    with smtp_server() as server, chromium() as browser:
        settings = Settings.from_env({"PAPERTALK_DATABASE_URL": db_url, "PAPERTALK_REGISTRATION": "open",
                                      **server.env()})  # fmt: skip
        with served(settings, now=NOW) as base:
            page = browser.new_page(viewport=PHONE)
            outside = OutsideRequests()
            page.route("**/*", outside)
            page.goto(f"{base}/signup")
            page.fill("#name", "lin")
            page.fill("#email", "lin@example.org")
            page.fill("#password", PASSWORD)
            page.get_by_role("button", name="Create my account").click()
            page.wait_for_load_state()
            sign_in(page, base, "lin", PASSWORD)
            with engine.connect() as conn:  # her network: the accounts that posted about the world's papers
                lin = find_user(conn, "lin")
                accounts = list(account_ids_by_platform_id(conn).values())
            mine = network_of(engine, lin)
            assert mine is not None  # made when she signed in
            add_ids_to_network(engine, mine.name, accounts)

            page.goto(f"{base}/settings")
            page.select_option("#mail_cadence", "daily")
            page.fill("#mail_hour", "7")
            page.get_by_role("button", name="Send me the digest by email").click()
            page.wait_for_load_state()
            expect(page.locator("#mail-state")).to_have_attribute("data-state", "pending")
            [confirmation] = server.handler.received
            link = re.search(r"https?://\S+/mail/confirm/\S+", parts_of(confirmation.parsed())["text/plain"])
            assert link and confirmation.recipients == ["lin@example.org"]
            page.goto(base + path_of(link.group(0)))
            expect(page.locator("#mail-state")).to_have_count(0)  # the link's page, not settings
            page.get_by_role("button", name="Confirm").click()
            page.wait_for_load_state()
            expect(page.locator("main")).to_contain_text("Confirmed")

            job = MailJob(settings.mail, settings.people.public_base_url, settings.ranking)
            summary = send_due(engine, job, lambda: float(NOW))
            assert (summary.sent, summary.failed) == (1, 0)
            digest_mail = server.handler.received[-1].parsed()
            assert digest_mail["Message-ID"].startswith("<digest.2026-12-06.")
            text = parts_of(digest_mail)["text/plain"]
            assert "2612.00001" in text and "Great read" in text
            unsubscribe = digest_mail["List-Unsubscribe"].strip("<>")
            page.goto(base + path_of(unsubscribe))
            page.get_by_role("button", name="Unsubscribe").click()
            page.wait_for_load_state()
            page.goto(f"{base}/settings")
            expect(page.locator("#mail-state")).to_have_attribute("data-state", "off")
            assert send_due(engine, job, lambda: float(NOW + 86_400)).sent == 0
            assert len(server.handler.received) == 2  # the confirmation and one digest, nothing after
            assert outside.blocked == []
            page.close()
    engine.dispose()
