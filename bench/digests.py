"""bench/digests: one person's daily digest and the digest page over bench/web's database (1M papers, 10M
mentions at --scale 1), with 10,000 people (``--scale`` x 10,000) each following 300 accounts.

Side by side in one run:

- building a person's digest of yesterday (their network, first read: computed from the stored votes and
  frozen) against the baseline of one full trending query for that person (their network, the week);
- a frozen digest read again (what every later open of that day costs), and one read before freezing;
- the digest page (everyone's, served in process, render cache off) against the trending page ``/``.

    python -m bench.digests [--scale 1.0] [--runs 30]

Not measured here (not built yet): composing and sending 10,000 digest emails.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from bench.measure import latency_stats, save, timed
from bench.trending import DATA, NOW, build_sqlite
from bench.web import complete, ok, state_of_app
from papertalk.config import Settings
from papertalk.core.people_records import User
from papertalk.services.digests.digest_dates import day_period
from papertalk.services.digests.digest_streams import own_stream, stream_for
from papertalk.services.digests.digest_view import digest, freeze
from papertalk.services.ingest.post_files import refresh_rankings
from papertalk.services.pages.trending_page import TrendingPageQuery, trending_page
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.engine import make_engine
from papertalk.storage.ranking.mention_days import rebuild as rebuild_mention_days
from papertalk.storage.schema import upgrade
from papertalk.web.app import create_app
from papertalk.web.state import WebSettings

FOLLOWS = 300


def add_people(path: Path, people: int, seed: int = 18) -> None:
    """``people`` users, each with a personal network of FOLLOWS accounts drawn from the active ones."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    if db.execute("SELECT COUNT(*) FROM users WHERE name LIKE 'bench%'").fetchone()[0] >= people:
        db.close()
        return
    rnd = random.Random(seed)
    # Accounts that voted in the last 30 days: people follow accounts that post.
    active = [
        r[0] for r in db.execute("SELECT DISTINCT account_id FROM votes WHERE first_at > ?", (NOW - 30 * 86_400,))
    ]
    for n in range(people):
        name = f"bench{n}"
        user = db.execute(
            "INSERT INTO users (name, name_key, email, password_hash, is_admin, disabled, created_at) "
            "VALUES (?, ?, ?, 'x', 0, 0, ?) RETURNING id",
            (name, name, f"{name}@example.org", NOW),
        ).fetchone()[0]
        network = db.execute(
            "INSERT INTO networks (name, owner_user_id, kind, visibility) VALUES (?, ?, 'personal', 'private') "
            "RETURNING id",
            ("@" + name, user),
        ).fetchone()[0]
        db.executemany(
            "INSERT OR IGNORE INTO network_accounts (network_id, account_id) VALUES (?, ?)",
            [(network, a) for a in rnd.sample(active, min(FOLLOWS, len(active)))],
        )
    db.commit()
    db.execute("ANALYZE")
    db.close()


def build_database(path: Path, scale: float) -> None:
    build_sqlite(path, scale)
    complete(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1M papers, 10M mentions, 10,000 people")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--results", type=Path, default=None)
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    path: Path = args.data / f"web-{args.scale:g}.sqlite3"  # bench/web's database, shared
    url = f"sqlite:///{path}"
    report: dict[str, Any] = {"scale": args.scale, "load": os.getloadavg()}
    if not path.exists():
        seconds, _ = timed(lambda: build_database(path, args.scale))
        engine = make_engine(url)
        refresh_rankings(engine, Settings.from_env({}).ranking, NOW)
        with engine.begin() as conn:
            rebuild_mention_days(conn, for_connection(conn))
        engine.dispose()
        report["build_s"] = round(seconds, 1)
    engine = make_engine(url)
    upgrade(engine)
    people = max(args.runs * 3, int(10_000 * args.scale))
    seconds, _ = timed(lambda: add_people(path, people))
    report["people"], report["people_build_s"] = people, round(seconds, 1)
    settings = Settings.from_env({"PAPERTALK_DATABASE_URL": url})
    with engine.begin() as conn:  # each run measures a first read: start with nothing frozen
        for_connection(conn).execute(conn, "DELETE FROM digest_snapshots")
    yesterday = day_period(datetime.fromtimestamp(NOW, UTC).date() - timedelta(days=1))
    users = [User(n + 1, f"bench{n}", "", False, False, NOW) for n in range(people)]
    with engine.connect() as conn:
        ids = {str(n): int(i) for n, i in for_connection(conn).all(conn, "SELECT name, id FROM users")}
    users = [User(ids[u.name], u.name, "", False, False, NOW) for u in users[: args.runs * 2 + 4]]
    streams = [own_stream(engine, u) for u in users]
    # Each run a different person, each person once: a first read, as the day after.
    computed = iter(streams[: args.runs + 2])
    report["digest_computed_read_person"] = latency_stats(
        lambda: digest(engine, settings.ranking, NOW, yesterday, next(computed)), args.runs
    )
    build_order = iter(streams[args.runs + 2 :])
    report["digest_build_and_freeze_person"] = latency_stats(
        lambda: freeze(engine, settings.ranking, NOW, yesterday, next(build_order)), args.runs
    )
    last = streams[-1]
    report["digest_frozen_read_person"] = latency_stats(
        lambda: digest(engine, settings.ranking, NOW, yesterday, last), args.runs
    )
    trend_order = iter(users)

    def trending_for_one() -> None:
        user = next(trend_order)
        trending_page(engine, settings, NOW, TrendingPageQuery(network="@" + user.name), None, user.id)

    report["baseline_trending_person"] = latency_stats(trending_for_one, args.runs, warmup=2)
    app = create_app(settings, WebSettings(render_cache_seconds=0), clock=lambda: float(NOW))
    state_of_app(app)
    with TestClient(app) as client:
        page = f"/digest/{yesterday.name}"
        freeze(engine, settings.ranking, NOW, yesterday, stream_for(engine, None, None, None))  # as the worker does
        report["render_digest_page"] = latency_stats(lambda: ok(client.get(page)), args.runs)
        report["render_digest_json"] = latency_stats(lambda: ok(client.get(page + ".json")), args.runs)
        report["baseline_render_trending"] = latency_stats(lambda: ok(client.get("/")), args.runs)
    report["load_after"] = os.getloadavg()
    print(report, flush=True)
    print(f"results: {save(f'digests-{args.scale:g}', report, args.results)}")


if __name__ == "__main__":
    main()
