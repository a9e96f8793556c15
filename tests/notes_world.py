"""A small world for the library tests: two papers cited by captured posts, three people (ada an admin,
bob, carol), the app served on 127.0.0.1, and signed-in clients that post forms with their CSRF token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from papertalk.core.people_records import User
from papertalk.core.records import Paper
from papertalk.services.ingest.post_files import Importer
from papertalk.services.people import api_tokens, sessions, user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.services.people.tokens import token_hash
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import Engine, make_engine
from papertalk.web import csrf
from papertalk.web.viewer import SESSION_COOKIE
from tests.databases import migrate_fast
from tests.helpers import NOW, post, write_lines
from tests.test_people_web import PASSWORD, settings_for
from tests.web_world import served

PAPER = "2401.00001"
OTHER_PAPER = "2401.00002"


@dataclass
class Person:
    """A signed-in client and the CSRF token its session's forms carry."""

    user: User
    client: httpx.Client
    token: str
    api_write: str

    def post(self, path: str, **fields: str) -> httpx.Response:
        return self.client.post(path, data={"csrf": self.token, **fields})

    def api(self, method: str, path: str, body: object = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.api_write}"}
        return self.client.request(method, path, json=body, headers=headers)


@dataclass
class NotesWorld:
    base: str
    engine: Engine
    ada: Person
    bob: Person
    carol: Person

    def anonymous(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=60)


def build(engine: Engine, directory: Path) -> None:
    with engine.begin() as conn:
        upsert_papers(conn, [Paper(PAPER, "Deep linear networks", ("A. Author",), "An abstract.", ("cs.LG",)),
                             Paper(OTHER_PAPER, "Another paper", ("B. Author",), "Another.", ("math.OC",))],
                      NOW - 86_400)  # fmt: skip
    lines = write_lines(directory / "posts.jsonl", [
        post("p1", "reader", 5, text=f"Read this https://arxiv.org/abs/{PAPER}"),
        post("p2", "reader2", 4, text=f"And arXiv:{OTHER_PAPER}"),
    ])  # fmt: skip
    Importer(engine, now=NOW).import_path(lines)


def person(engine: Engine, base: str, name: str, admin: bool, created_at: int) -> Person:
    user = user_accounts.add_user(engine, OPERATOR, name, f"{name}@example.org", PASSWORD, admin, created_at)
    people = settings_for("sqlite://").people
    signed = sessions.sign_in(engine, people, name, PASSWORD, f"10.0.1.{len(name)}", int(NOW))
    client = httpx.Client(base_url=base, timeout=60)
    client.cookies.set(SESSION_COOKIE, signed.token)
    token = csrf.form_token(sessions.form_secret(engine), "session:" + token_hash(signed.token))
    write = api_tokens.create_token(engine, user, user.id, "w", "write", int(NOW))
    return Person(user, client, token, write.secret)


@contextmanager
def notes_world(db_url: str, directory: Path, **env: str) -> Iterator[NotesWorld]:
    engine = make_engine(migrate_fast(db_url))
    build(engine, directory)
    old = int(NOW) - 30 * 86_400  # accounts older than the new-account limit unless a test says otherwise
    with served(settings_for(db_url, **env), render_cache_seconds=0) as base:
        yield NotesWorld(base, engine, person(engine, base, "ada", True, old), person(engine, base, "bob", False, old),
                         person(engine, base, "carol", False, int(NOW)))  # fmt: skip
    engine.dispose()


def summary_id_of(answer: httpx.Response) -> int:
    """The summary a save redirected to."""
    assert answer.status_code == 303, answer.text[:500]
    found = re.fullmatch(r"/summaries/(\d+)", answer.headers["location"])
    assert found, answer.headers["location"]
    return int(found.group(1))
