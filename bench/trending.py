"""bench/trending: the week's top 50 over 1M papers and 10M mentions, on SQLite and PostgreSQL.

Builds (once, cached under bench/data) a database with the real schema holding 1,000,000 papers,
300,000 accounts and ~10,000,000 mentions over two years with long-tailed, bursty attention, plus the
votes those mentions produce. Mentions and votes are bulk-loaded straight into their tables (the import
path is measured by bench/ingest; loading 10M rows through it would only slow this setup down).
Foreign keys to posts are not enforced for this load: the ranking never reads posts.

Then, side by side in one run: papertalk's trending (everyone, and a 2,000-account network) against the
naive baseline, one GROUP BY over the raw mentions of the window.

    python -m bench.trending [--scale 1.0] [--postgres URL] [--runs 30]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.measure import latency_stats, save, timed
from papertalk.config import Settings
from papertalk.core.ranking import DAY, KIND_BITS
from papertalk.core.records import PostKind
from papertalk.services.capture.accounts import add_ids_to_network
from papertalk.services.ingest.post_files import refresh_rankings
from papertalk.services.ranking.trending import TrendingQuery, trending
from papertalk.storage.engine import Engine, make_engine
from papertalk.storage.schema import upgrade
from papertalk.storage.tables import metadata

DATA = Path(__file__).parent / "data"
START = 1_730_000_000  # late October 2024
SPAN = 730 * DAY
NOW = START + SPAN
KINDS = [(KIND_BITS[PostKind.POST], 0.45), (KIND_BITS[PostKind.REPOST], 0.30), (KIND_BITS[PostKind.QUOTE], 0.10),
         (KIND_BITS[PostKind.REPLY], 0.15)]  # fmt: skip


def arxiv_id(index: int, released: int) -> str:
    yymm = time.strftime("%y%m", time.gmtime(released))
    return f"{yymm}.{index % 100000:05d}"


def world(scale: float, seed: int = 7) -> Iterator[tuple[str, int, list[tuple[int, int, int]]]]:
    """Per paper: (arxiv id, release time, [(account, first_at, kinds) votes]). Long tail, bursts, decay."""
    rnd = random.Random(seed)
    papers = int(1_000_000 * scale)
    accounts = int(300_000 * scale) or 1
    target_mentions = 10_000_000 * scale
    # Zipf-like popularity: most papers get 1-3 votes, a few get thousands.
    raw = [rnd.paretovariate(1.1) for _ in range(papers)]
    factor = 1.68 * target_mentions / 1.1 / sum(raw)  # calibrated: dedupe and the end of time drop some
    kinds, weights = zip(*KINDS, strict=True)
    used_ids: set[str] = set()
    for index in range(papers):
        released = START + int(index / papers * SPAN)
        pid = arxiv_id(index, released)
        if pid in used_ids:
            continue
        used_ids.add(pid)
        votes = max(1, int(raw[index] * factor))
        seen: set[int] = set()
        out = []
        for _ in range(votes):
            # half the votes come from a long-tailed core of very active accounts, half from anyone
            account = int(rnd.paretovariate(0.8)) % accounts if rnd.random() < 0.5 else rnd.randrange(accounts)
            if account in seen:
                continue
            seen.add(account)
            delay = rnd.expovariate(1 / (1.5 * DAY)) if rnd.random() < 0.85 else rnd.uniform(0, 60 * DAY)
            first_at = released + int(delay)
            if first_at >= NOW:
                continue
            out.append((account + 1, first_at, rnd.choices(kinds, weights)[0]))
        yield pid, released, out


def build_sqlite(path: Path, scale: float) -> None:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA foreign_keys=OFF")
    _load(db, scale, "?")
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    db.close()


def _load(db: Any, scale: float, mark: str) -> None:
    accounts = int(300_000 * scale) or 1
    marks = ", ".join([mark] * 4)
    ins = f"INSERT INTO accounts (id, platform, platform_id, handle, blocked) VALUES ({marks}, false)"
    db.executemany(ins, [(i, "bluesky", f"did:plc:bench{i}", f"user{i}.bsky.social") for i in range(1, accounts + 1)])
    post_id = 0
    paper_rows, mention_rows, vote_rows = [], [], []
    rnd = random.Random(11)

    def flush() -> None:
        db.executemany(
            f"INSERT INTO papers (id, arxiv_id, title, published_at) VALUES ({mark}, {mark}, {mark}, {mark})",
            paper_rows,
        )
        db.executemany(
            "INSERT INTO mentions (post_id, paper_id, version, account_id, created_at, kind_bit, inherited) "
            f"VALUES ({mark}, {mark}, NULL, {mark}, {mark}, {mark}, false)",
            mention_rows,
        )
        db.executemany(
            f"INSERT INTO votes (paper_id, account_id, first_at, kinds) VALUES ({mark}, {mark}, {mark}, {mark})",
            vote_rows,
        )
        paper_rows.clear(), mention_rows.clear(), vote_rows.clear()

    for row, (pid, released, votes) in enumerate(world(scale), start=1):
        paper_rows.append((row, pid, f"Synthetic benchmark paper {pid}", released))
        for account, first_at, kind in votes:
            post_id += 1
            mention_rows.append((post_id, row, account, first_at, kind))
            kinds = kind
            if rnd.random() < 0.1:  # a later second mention by the same account
                post_id += 1
                extra = KINDS[rnd.randrange(len(KINDS))][0]
                mention_rows.append((post_id, row, account, min(NOW - 1, first_at + rnd.randrange(DAY)), extra))
                kinds |= extra
            vote_rows.append((row, account, first_at, kinds))
        if len(mention_rows) > 200_000:
            flush()
    flush()


def build_postgres(url: str, scale: float) -> None:
    engine = make_engine(url)
    metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(engine)
    raw = engine.raw_connection()
    cur = raw.cursor()
    cur.execute("SET session_replication_role = replica")  # skip FK triggers for the bulk load

    class Adapter:
        def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
            if rows:
                cur.executemany(sql, rows)

    _load(Adapter(), scale, "%s")
    cur.execute("SET session_replication_role = DEFAULT")
    raw.commit()
    cur.execute("ANALYZE")
    raw.commit()
    raw.close()
    engine.dispose()


def naive_top(engine: Engine, window_seconds: int, half_life: int, limit: int) -> list[Any]:
    """The baseline: rank straight from the raw mentions of the window with one GROUP BY."""
    with engine.connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT paper_id, SUM(w * exp((first_at - :now) * :k)) AS score, COUNT(*) AS people FROM ("
                    " SELECT paper_id, account_id, MIN(created_at) AS first_at,"
                    " MAX(CASE kind_bit WHEN 1 THEN 1.0 WHEN 2 THEN 1.0 WHEN 4 THEN 0.5 ELSE 0.25 END) AS w"
                    " FROM mentions WHERE created_at > :since AND created_at <= :now GROUP BY paper_id, account_id"
                    ") v GROUP BY paper_id ORDER BY score DESC LIMIT :limit"
                ),
                {"now": NOW, "since": NOW - window_seconds, "k": math.log(2) / half_life, "limit": limit},
            )
        )


def run_backend(name: str, url: str, runs: int) -> dict[str, Any]:
    settings = Settings.from_env({}).with_database(url)
    engine = make_engine(url)
    seconds, _ = timed(lambda: refresh_rankings(engine, settings.ranking, NOW))
    print(f"{name}: rank tables built in {seconds:.1f}s", flush=True)
    with engine.connect() as conn:
        top_accounts = [r[0] for r in conn.execute(text(
            "SELECT account_id FROM votes GROUP BY account_id ORDER BY COUNT(*) DESC LIMIT 4000"))]  # fmt: skip
    members = random.Random(3).sample(top_accounts, min(2000, len(top_accounts)))
    add_ids_to_network(engine, "bench-2000", members)
    week = settings.ranking.window("week")
    result: dict[str, Any] = {}
    result["week_top50"] = latency_stats(
        lambda: trending(engine, settings, NOW, TrendingQuery(window="week", limit=50)), runs
    )
    # An hour after the last refresh: reads correct for the votes that left the window meanwhile.
    result["week_top50_1h_after_refresh"] = latency_stats(
        lambda: trending(engine, settings, NOW + 3600, TrendingQuery(window="week", limit=50)), runs
    )
    result["week_top50_network_2000"] = latency_stats(
        lambda: trending(engine, settings, NOW, TrendingQuery(window="week", limit=50, network="bench-2000")),
        runs,
    )
    for window in ("today", "month"):
        result[f"{window}_top50"] = latency_stats(
            lambda w=window: trending(engine, settings, NOW, TrendingQuery(window=w, limit=50)),
            max(5, runs // 3),
        )
    assert week.length and week.half_life
    result["naive_week_top50"] = latency_stats(
        lambda: naive_top(engine, week.length or 0, week.half_life or 1, 50), max(3, runs // 10), warmup=1
    )
    with engine.connect() as conn:
        result["rows"] = {
            t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in ("papers", "mentions", "votes")
        }
        result["week_votes"] = conn.execute(
            text("SELECT COUNT(*) FROM votes WHERE first_at > :s AND first_at <= :n"),
            {"s": NOW - 7 * DAY, "n": NOW},
        ).scalar_one()
    engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1M papers, 10M mentions, 300k accounts")
    parser.add_argument("--postgres", default=os.environ.get("PAPERTALK_BENCH_POSTGRES_URL"), help="PostgreSQL URL")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--results", type=Path, default=None, help="where the JSON results go")
    parser.add_argument("--data", type=Path, default=DATA, help="where generated data and databases go")
    args = parser.parse_args()
    data: Path = args.data
    data.mkdir(parents=True, exist_ok=True)
    path = data / f"trending-{args.scale:g}.sqlite3"
    report: dict[str, Any] = {"scale": args.scale}
    if args.rebuild or not path.exists():
        for stale in data.glob(path.name + "*"):
            stale.unlink()
        seconds, _ = timed(lambda: build_sqlite(path, args.scale))
        report["sqlite_build_s"] = round(seconds, 1)
        print(f"built {path} in {seconds:.0f}s", flush=True)
    report["sqlite"] = run_backend("sqlite", f"sqlite:///{path}", args.runs)
    print("sqlite", report["sqlite"], flush=True)
    if args.postgres:
        seconds, _ = timed(lambda: build_postgres(args.postgres, args.scale))
        report["postgres_build_s"] = round(seconds, 1)
        report["postgres"] = run_backend("postgres", args.postgres, args.runs)
        print("postgres", report["postgres"], flush=True)
    print(f"results: {save(f'trending-{args.scale:g}', report, args.results)}")


if __name__ == "__main__":
    main()
