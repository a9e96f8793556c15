"""A signed-in reader's trending page is kept a few seconds (web.personal_cache), on SQLite and PostgreSQL:
its key (storage.networks.reader_inputs) changes with every input the page reads about the reader, so two
web processes on one database (two served apps, each with its own caches) never show a reader a page older
than their own last change, a revoked session is refused by the other process at once, and what is kept
is served again (a title changed meanwhile stays as rendered until a change of the reader's)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from papertalk.config import Settings
from papertalk.core.network_records import personal_network_name
from papertalk.services.networks import shared_networks
from papertalk.services.networks.my_network import ensure_network
from papertalk.services.pages.reader_inputs import reader_inputs
from papertalk.services.people import user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.services.people.person_settings import save_settings
from papertalk.services.people.user_accounts import find_user
from papertalk.storage.capture.account_rows import account_ids_by_platform_id
from papertalk.storage.engine import Engine, make_engine
from papertalk.storage.networks import block_rows, network_rows
from tests.conftest import BACKENDS
from tests.databases import migrate_fast
from tests.test_people_web import PASSWORD, form_token, signed_in
from tests.web_site import loaded_database
from tests.web_world import NOW, load_world, served


def world_with_people(engine: Engine, directory: Path) -> None:
    load_world(engine, directory)
    for name in ("Ada", "Bob", "Cy", "Dee", "Eve"):  # one reader per test: the database is the module's
        user_accounts.add_user(engine, OPERATOR, name, f"{name.lower()}@example.org", PASSWORD, False, int(NOW))


@pytest.fixture(scope="module", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with loaded_database(request.param, tmp_path_factory.mktemp("personal"), world_with_people) as url:
        yield url


@pytest.fixture
def two_processes(database: str) -> Iterator[tuple[str, str]]:
    """Two web apps on one database, each with its own render caches (15 s), as two processes are."""
    settings = Settings.from_env({"PAPERTALK_DATABASE_URL": database})
    with served(settings) as first, served(settings) as second:
        yield first, second


@pytest.fixture
def engine(database: str) -> Iterator[Engine]:
    found = make_engine(migrate_fast(database))
    yield found
    found.dispose()


def paper_ids(html: str) -> list[str]:
    return re.findall(r'<a href="/abs/([^"]+)" class="details">', html)


def accounts(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return sorted(account_ids_by_platform_id(conn).values())


def network_id(engine: Engine, name: str) -> int:
    with engine.connect() as conn:
        user_id = find_user(conn, name).id
        found = network_rows.personal_network(conn, user_id, personal_network_name(name.lower()), False)
    assert found is not None
    return found.id


def follow_ids(engine: Engine, name: str, ids: list[int], follow: bool = True) -> None:
    with engine.begin() as conn:
        if follow:
            network_rows.add_accounts(conn, network_id(engine, name), ids)
        else:
            network_rows.remove_accounts(conn, network_id(engine, name), ids)


def test_a_change_through_one_process_shows_at_once_in_the_other(
    two_processes: tuple[str, str], engine: Engine
) -> None:
    first, second = two_processes
    ada = signed_in(first)  # signing in makes her (empty) network
    people = accounts(engine)
    follow_ids(engine, "Ada", people[:30])
    before = ada.get("/?window=month")
    assert before.status_code == 200 and before.headers["cache-control"] == "private, no-store"
    shown = paper_ids(before.text)
    assert shown
    assert paper_ids(ada.get("/?window=month").text) == shown  # kept: the same page again
    # Another process (the second app, or the CLI) changes her network: the first shows it on the next request.
    follow_ids(engine, "Ada", people[:30], follow=False)
    follow_ids(engine, "Ada", people[30:60])  # as many accounts as before: a count could not tell
    after = paper_ids(ada.get("/?window=month").text)
    assert after and after != shown
    with engine.begin() as conn:
        block_rows.block(conn, find_user(conn, "Ada").id, people[30:45])
    blocked = paper_ids(ada.get("/?window=month").text)
    assert blocked != after
    # Her timezone and categories are hers: saved through the other process, shown by this one at once.
    bob_sees = paper_ids(signed_in(second, "bob").get("/?window=month").text)
    assert bob_sees != blocked  # Bob's empty network, not Ada's kept page
    with engine.connect() as conn:
        owner = find_user(conn, "Ada")
    assert "My categories" not in ada.get("/?window=month").text
    save_settings(engine, owner, owner, "Asia/Tokyo", "cs.LG", "en")
    assert "My categories (cs.LG)" in ada.get("/?window=month").text


def test_a_kept_page_is_served_again_until_the_readers_inputs_change(
    two_processes: tuple[str, str], engine: Engine
) -> None:
    first, _second = two_processes
    cy = signed_in(first, "cy")
    follow_ids(engine, "Cy", accounts(engine)[:40])
    page = cy.get("/?window=week&x=kept").text
    top = paper_ids(page)[0]
    with engine.begin() as conn:  # a change the reader's inputs do not cover: the kept page stands
        conn.exec_driver_sql(f"UPDATE papers SET title = 'Retitled for the cache test' WHERE arxiv_id = '{top}'")
    assert "Retitled for the cache test" not in cy.get("/?window=week&x=kept").text
    follow_ids(engine, "Cy", accounts(engine)[40:41])  # one more follow: the page is rendered anew
    assert "Retitled for the cache test" in cy.get("/?window=week&x=kept").text


def test_a_session_revoked_through_one_process_is_refused_by_the_other(two_processes: tuple[str, str]) -> None:
    first, second = two_processes
    dee = signed_in(first, "dee")
    assert 'title="Your account">Dee</a>' in dee.get("/").text  # rendered and kept in the first process
    cookie = dee.cookies["papertalk_session"]
    other = httpx.Client(base_url=second, timeout=30, cookies={"papertalk_session": cookie})
    answer = other.post("/signout", data={"csrf": form_token(other, "/account")})
    assert answer.status_code == 303
    again = httpx.get(first + "/", cookies={"papertalk_session": cookie}, timeout=30)
    assert "Your account" not in again.text and 'href="/signin"' in again.text


def test_the_fingerprint_changes_with_each_input_of_the_page(engine: Engine) -> None:
    with engine.connect() as conn:
        eve = find_user(conn, "Eve")
    ensure_network(engine, eve)
    people = accounts(engine)
    follow_ids(engine, "Eve", people[:10])
    seen = {reader_inputs(engine, eve, None)}
    assert reader_inputs(engine, eve, None) in seen  # the same state: the same fingerprint

    def changed() -> None:
        now = reader_inputs(engine, eve, None)
        assert now not in seen
        seen.add(now)

    follow_ids(engine, "Eve", people[:1], follow=False)
    follow_ids(engine, "Eve", people[10:11])  # same count, same network
    changed()
    with engine.begin() as conn:
        block_rows.block(conn, eve.id, people[50:51])
    changed()
    save_settings(engine, eve, eve, "Europe/Paris", "", "en")
    changed()
    shared_networks.create(engine, eve, "reading-group", False, int(NOW))
    changed()
    with engine.begin() as conn:
        network_rows.set_visibility(conn, network_id(engine, "Eve"), "public")
    changed()
    with engine.begin() as conn:
        group = int(conn.exec_driver_sql("SELECT id FROM networks WHERE name = 'reading-group'").scalar_one())
        network_rows.add_accounts(conn, group, people[20:21])
    # The shared networks she belongs to are offered with their accounts' version: her own page's key moves
    # on too (more often than needed, never less).
    changed()
    asked = reader_inputs(engine, eve, "reading-group")
    assert asked not in seen  # the accounts of the network asked for count too
    with engine.begin() as conn:
        network_rows.add_accounts(conn, group, people[21:22])
    assert reader_inputs(engine, eve, "reading-group") != asked  # changed by any of its editors
