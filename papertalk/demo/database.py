"""The demo: write the synthetic world in the neutral format, import it through the real import path
into a fresh SQLite file, load its paper metadata, block its bots, define a demo network,
add the demo people (demo/people.py) and their summaries, discussion and reading list (demo/library.py)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson

from papertalk.config import Settings, sqlite_url
from papertalk.demo.library import add_demo_library
from papertalk.demo.people import DemoSignIn, add_demo_people
from papertalk.demo.world import WorldSize, bot_account_ids, generate_papers, generate_post_lines
from papertalk.services.capture.accounts import add_ids_to_network
from papertalk.services.database import migrate, open_database
from papertalk.services.ingest.post_files import Importer, ImportSummary
from papertalk.storage.capture.account_rows import account_ids_by_platform_id, set_blocked
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import Engine
from papertalk.storage.instance_meta import DEMO_KEY, set_meta

DEMO_DB = "papertalk-demo.sqlite3"
POSTS_FILE = "demo-posts.jsonl"
NETWORK = "demo-lab"
NETWORK_SIZE = 40


@dataclass(frozen=True)
class DemoWorld:
    settings: Settings
    database: Path
    posts_file: Path
    papers: int
    summary: ImportSummary
    network: str
    label: str
    sign_in: DemoSignIn


def write_posts(path: Path, seed: int, end: int, size: WorldSize) -> int:
    count = 0
    with path.open("wb") as out:
        for line in generate_post_lines(seed, end, size):
            out.write(orjson.dumps(line))
            out.write(b"\n")
            count += 1
    return count


def build_demo(
    directory: Path,
    seed: int,
    now: int,
    size: WorldSize,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> DemoWorld:
    """Build the demo world from scratch in ``directory`` (an earlier demo database there is replaced)."""
    report = on_progress or (lambda _stage, _done, _total: None)
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / DEMO_DB
    for stale in directory.glob(DEMO_DB + "*"):
        stale.unlink()
    settings = Settings.from_env({}).with_database(sqlite_url(database.resolve()))
    migrate(settings)
    engine = open_database(settings)
    label = f"DEMO DATA: synthetic world from seed {seed}; not real papers, people or posts"
    posts_file = directory / POSTS_FILE
    report("writing synthetic posts", 0, size.posts)
    written = write_posts(posts_file, seed, now, size)
    report("writing synthetic posts", written, size.posts)
    papers = list(generate_papers(seed, now, size))
    with engine.begin() as conn:
        upsert_papers(conn, papers, now)
        set_meta(conn, DEMO_KEY, label)
    total = posts_file.stat().st_size
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        report("importing posts", done, total)

    importer = Importer(engine, now=now, on_progress=advance, ranking=settings.ranking)
    importer.import_path(posts_file)
    people = _block_bots_and_make_network(engine, settings, seed, size)
    sign_in = add_demo_people(engine, seed, people, now)
    add_demo_library(engine, settings, now)
    engine.dispose()
    return DemoWorld(settings, database, posts_file, len(papers), importer.summary, NETWORK, label, sign_in)


def _block_bots_and_make_network(engine: Engine, settings: Settings, seed: int, size: WorldSize) -> list[int]:
    """Block the bots and make the site's demo network; the accounts that are not bots."""
    bots = bot_account_ids(seed, size)
    with engine.begin() as conn:
        by_key = account_ids_by_platform_id(conn)
        set_blocked(conn, [by_key[b] for b in bots if b in by_key], True, settings.ranking)
        people = sorted(row for key, row in by_key.items() if key not in set(bots))
    members = random.Random(seed).sample(people, min(NETWORK_SIZE, len(people)))
    add_ids_to_network(engine, NETWORK, members)
    return people
