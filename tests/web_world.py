"""A small demo-like world in any database, and the web app served by uvicorn on 127.0.0.1 (random port)
in a thread, for the page, API, browser and fuzz tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from papertalk.config import Settings
from papertalk.core.records import Paper
from papertalk.demo.database import write_posts
from papertalk.demo.world import WorldSize, generate_papers
from papertalk.services.capture.accounts import add_ids_to_network
from papertalk.services.ingest.post_files import Importer
from papertalk.storage.capture.account_rows import account_ids_by_platform_id
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import Engine, make_engine
from papertalk.storage.instance_meta import DEMO_KEY, set_meta
from papertalk.web.app import create_app
from papertalk.web.state import WebSettings
from tests.databases import migrate_fast
from tests.helpers import NOW, post, write_lines

SIZE = WorldSize(papers=400, accounts=80, posts=4000, days=40)
SEED = 7
NETWORK = "test-lab"  # the site's network ("my network": the first by name)
OTHER_NETWORK = "zeta-lab"
OLD_STYLE = "hep-th/9901001"
NO_METADATA = "2611.99999"
MATH_TITLE = r"Lower bounds of $\Theta(k^3)$ queries for sparse recovery"


def load_world(engine: Engine, directory: Path) -> None:
    """The synthetic world (seed 7) plus an old-style paper, a paper with math in its title, and one known
    only by its id, all cited by posts; two networks of 25 accounts each; the demo marking."""
    papers = list(generate_papers(SEED, NOW, SIZE))
    papers.append(Paper(OLD_STYLE, "Old style: strings on branes", ("A. Physicist",), "An old abstract.", ("hep-th",)))
    first = papers[0]
    papers[0] = Paper(first.arxiv_id, MATH_TITLE, first.authors, first.abstract, first.categories, first.published_at)
    with engine.begin() as conn:
        upsert_papers(conn, papers, NOW - 86_400)
        set_meta(conn, DEMO_KEY, "DEMO DATA: test world")
    posts_file = directory / "world.jsonl"
    write_posts(posts_file, SEED, NOW, SIZE)
    extra = write_lines(
        directory / "extra.jsonl",
        [
            post("old-1", "physicist", 5, text=f"Classic: arXiv:{OLD_STYLE} still worth reading"),
            post("nometa-1", "reader", 3, text=f"New today https://arxiv.org/abs/{NO_METADATA}"),
            post("nometa-2", "reader2", 2, kind="repost", original="nometa-1"),
        ],
    )
    importer = Importer(engine, now=NOW)
    importer.import_path(posts_file)
    importer.import_path(extra)
    with engine.connect() as conn:
        people = sorted(account_ids_by_platform_id(conn).values())
    add_ids_to_network(engine, NETWORK, people[::3][:25])
    add_ids_to_network(engine, OTHER_NETWORK, people[1::3][:25])


@contextmanager
def served(
    settings: Settings,
    web: WebSettings | None = None,
    now: float = NOW,
    clock: Callable[[], float] | None = None,
    render_cache_seconds: int = WebSettings.render_cache_seconds,
) -> Iterator[str]:
    """The app over ``settings``' database, served on 127.0.0.1 at a free port; yields its base URL. Its
    clock says ``now``, unless ``clock`` is given (the factory's seam for a failing dependency or for
    time passing)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    web = web or WebSettings(base_url=base, render_cache_seconds=render_cache_seconds)
    app = create_app(settings, web, clock=clock or (lambda: float(now)))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web app did not start")
        time.sleep(0.02)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextmanager
def world_site(directory: Path, prepare: Callable[[Engine], None], now: float = NOW) -> Iterator[str]:
    """A fresh SQLite database in ``directory`` with the web world, ``prepare``d (people, networks), served."""
    url = f"sqlite:///{directory / 'web.sqlite3'}"
    engine = make_engine(migrate_fast(url))
    load_world(engine, directory)
    prepare(engine)
    engine.dispose()
    with served(Settings.from_env({"PAPERTALK_DATABASE_URL": url}), now=now) as base:
        yield base
