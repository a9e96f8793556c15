"""bench/ingest: import 1,000,000 neutral posts that all cite papers into SQLite, side by side with two
baselines run on the same file in the same run:

- bare: a parse-and-insert loop with the stdlib sqlite3 driver into one posts table (no accounts, papers,
  mentions, votes, rankings or idempotency) - the floor of what Python + SQLite can do here;
- naive: a per-post ORM loop that looks up author, post and paper one at a time and commits per post, as
  simple capture apps do, run for a sample of posts against the large database the import built.

Peak memory of the import is measured on 1/4 of the file and on the whole file (it must stay flat).

    python -m bench.ingest [--posts 1000000] [--naive-sample 500]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from bench.measure import run_papertalk, save, timed
from papertalk.core.arxiv_ids import find_in_post
from papertalk.demo.world import WorldSize, generate_post_lines

DATA = Path(__file__).parent / "data"
END = 1_795_000_000
SEED = 2026


def citing_lines(count: int) -> Iterator[dict[str, Any]]:
    """Demo-world posts, keeping those that cite a paper themselves or through their original."""
    size = WorldSize(papers=max(1000, count // 10), accounts=max(500, count // 20), posts=int(count * 1.3), days=60)
    citing: set[str] = set()
    kept = 0
    for line in generate_post_lines(SEED, END, size):
        original = line.get("original")
        inherited = isinstance(original, dict) and original.get("post_id") in citing and line["kind"] != "reply"
        own = find_in_post(str(line.get("text") or ""), [str(u) for u in line.get("links") or []])  # type: ignore[union-attr]
        if own or inherited:
            citing.add(str(line["post_id"]))
            yield line
            kept += 1
            if kept >= count:
                return
    raise SystemExit(f"the generator gave only {kept} citing posts; raise the size")


def make_file(path: Path, count: int) -> None:
    with path.open("wb") as out:
        for line in citing_lines(count):
            out.write(orjson.dumps(line) + b"\n")


def papertalk_import(path: Path, db: Path) -> tuple[float, float, dict[str, Any]]:
    """Run the real CLI in a child process: (seconds, peak RSS MiB of it and its worker, summary)."""
    seconds, rss, summary = run_papertalk("--database", f"sqlite:///{db}", "import", str(path), "--json")
    return seconds, rss, summary


def bare_loop(path: Path, db: Path) -> float:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, platform TEXT, post_id TEXT, author TEXT, created_at TEXT,"
        " text TEXT, UNIQUE (platform, post_id))"
    )
    start = time.perf_counter()
    insert = "INSERT INTO posts (platform, post_id, author, created_at, text) VALUES (?, ?, ?, ?, ?)"
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            d = json.loads(raw)
            conn.execute(insert, (d["platform"], d["post_id"], d["author"]["id"], d["created_at"], d.get("text")))
            if number % 10_000 == 0:
                conn.commit()
        conn.commit()
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


class Base(DeclarativeBase):
    pass


class NaiveAccount(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_id: Mapped[str] = mapped_column(String(512))
    handle: Mapped[str | None] = mapped_column(Text)


class NaivePaper(Base):
    __tablename__ = "papers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    arxiv_id: Mapped[str] = mapped_column(String(64))


class NaivePost(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    post_id: Mapped[str] = mapped_column(String(512))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str | None] = mapped_column(String(8))
    text: Mapped[str | None] = mapped_column(Text)


class NaiveMention(Base):
    __tablename__ = "mentions"
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[int] = mapped_column(BigInteger)
    kind_bit: Mapped[int] = mapped_column(Integer)


def naive_loop(lines: list[dict[str, Any]], db: Path) -> float:
    """One post at a time through the ORM, commit per post, on the big database (mapped onto its tables)."""
    engine = create_engine(f"sqlite:///{db}")
    start = time.perf_counter()
    with Session(engine) as session:
        for d in lines:
            account = session.scalars(
                select(NaiveAccount).where(
                    NaiveAccount.platform == d["platform"], NaiveAccount.platform_id == d["author"]["id"]
                )
            ).first()
            if account is None:
                account = NaiveAccount(
                    platform=d["platform"], platform_id=d["author"]["id"], handle=d["author"].get("handle")
                )
                session.add(account)
                session.flush()
            exists = session.scalars(
                select(NaivePost).where(NaivePost.platform == d["platform"], NaivePost.post_id == d["post_id"])
            ).first()
            if exists is not None:
                continue
            post = NaivePost(
                platform=d["platform"],
                post_id=d["post_id"],
                account_id=account.id,
                created_at=END,
                kind=d["kind"],
                text=d.get("text"),
            )
            session.add(post)
            session.flush()
            for ref in find_in_post(str(d.get("text") or ""), d.get("links") or []):
                paper = session.scalars(select(NaivePaper).where(NaivePaper.arxiv_id == ref.arxiv_id)).first()
                if paper is None:
                    paper = NaivePaper(arxiv_id=ref.arxiv_id)
                    session.add(paper)
                    session.flush()
                session.add(
                    NaiveMention(post_id=post.id, paper_id=paper.id, account_id=account.id, created_at=END, kind_bit=1)
                )
            session.commit()
    engine.dispose()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--naive-sample", type=int, default=500)
    parser.add_argument("--results", type=Path, default=None, help="where the JSON results go")
    parser.add_argument("--data", type=Path, default=DATA, help="where generated data and databases go")
    args = parser.parse_args()
    data: Path = args.data
    data.mkdir(parents=True, exist_ok=True)
    source = data / f"ingest-{args.posts}.jsonl"
    if not source.exists():
        seconds, _ = timed(lambda: make_file(source, args.posts))
        print(f"generated {source} in {seconds:.0f}s", flush=True)
    quarter = data / f"ingest-{args.posts}-quarter.jsonl"
    with source.open("rb") as src, quarter.open("wb") as out:
        for i, raw in enumerate(src):
            if i >= args.posts // 4:
                break
            out.write(raw)
    work = data / "ingest-run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    report: dict[str, Any] = {"posts": args.posts, "file_mb": round(source.stat().st_size / 2**20, 1)}

    seconds, rss_quarter, _ = papertalk_import(quarter, work / "quarter.sqlite3")
    report["quarter"] = {"posts": args.posts // 4, "seconds": round(seconds, 2), "peak_rss_mb": round(rss_quarter)}
    seconds, rss, summary = papertalk_import(source, work / "papertalk.sqlite3")
    report["papertalk"] = {
        "seconds": round(seconds, 2),
        "posts_per_s": round(args.posts / seconds),
        "peak_rss_mb": round(rss),
        "summary": summary,
    }
    print("papertalk", report["papertalk"], flush=True)
    seconds = bare_loop(source, work / "bare.sqlite3")
    report["bare_sqlite3_loop"] = {"seconds": round(seconds, 2), "posts_per_s": round(args.posts / seconds)}
    print("bare", report["bare_sqlite3_loop"], flush=True)
    sample = [dict(d, post_id=f"naive-{i}-{d['post_id']}") for i, d in enumerate(citing_lines(args.naive_sample))]
    naive_db = work / "naive.sqlite3"
    shutil.copy(work / "papertalk.sqlite3", naive_db)
    seconds = naive_loop(sample, naive_db)
    report["naive_orm_loop"] = {
        "posts": len(sample),
        "seconds": round(seconds, 2),
        "posts_per_s": round(len(sample) / seconds),
    }
    print("naive", report["naive_orm_loop"], flush=True)
    report["ratios"] = {
        "papertalk_vs_bare": round(report["papertalk"]["posts_per_s"] / report["bare_sqlite3_loop"]["posts_per_s"], 2),
        "papertalk_vs_naive": round(report["papertalk"]["posts_per_s"] / report["naive_orm_loop"]["posts_per_s"], 1),
        "peak_rss_full_vs_quarter": round(rss / rss_quarter, 2),
    }
    print("ratios", report["ratios"])
    print(f"results: {save(f'ingest-{args.posts}', report, args.results)}")


if __name__ == "__main__":
    main()
