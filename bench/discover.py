"""bench/discover: similar papers and "discussed by the same people", each beside a baseline in one run.

``quality`` (default 100,000 generated records plus the real ``../shared/data/kaggle_snapshot`` samples
when present, imported with the real ``papertalk catalogue import``): papertalk's similar papers against
a scikit-learn TF-IDF cosine baseline (word 1-2-grams over title + abstract, fitted on the whole
catalogue in the same run): overlap of the top 10, and agreement of primary category at 10, for both;
with the baseline's fit and per-query times beside papertalk's. ``--vectors``: also with semantic vectors
(WordLlama, the extra papertalk[embed]; every paper embedded first, as ``papertalk embed --all``), and the
vectors' own 10 nearest neighbours.

``latency`` at N papers (``bench.catalogue``'s cached databases; 3,000,000 for the issue's figure):
papertalk's similar papers, median and p99 over spread-out papers, beside the naive more-like-this
(FTS5 ``OR`` of the same terms ranked by ``bm25()``) on SQLite; the same on PostgreSQL with ``--postgres``.

``foryou`` over bench.web's world (a copy of its database): For you with 500 seed papers over the week's
discussed papers, beside every candidate's full cosine with every seed.

``co`` over ``bench.trending``'s cached 10M-mention world (or ``--database``, a copy of bench.web's):
discussed-by-the-same-people for the week's hottest paper, beside the former bound of 2,000 voters
(and with ``--naive`` the self-join of raw mentions).

    python -m bench.discover quality [--papers 100000] [--queries 400] [--vectors]
    python -m bench.discover latency [--papers 3000000] [--queries 200] [--postgres URL]
    python -m bench.discover co [--scale 1.0] [--database bench/data/web-1.sqlite3]
    python -m bench.discover foryou [--seeds 500] [--database bench/data/web-1.sqlite3]
    python -m bench.discover closest [--seeds 500]

``closest`` over the quality catalogue (embedded by ``quality --vectors``): For you's model alone
(``closest_to_seeds``) for 500 random seed papers and 300 random candidates, with and without vectors.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import text

from bench.catalogue import DATA, fresh, papertalk_import, snapshot_file
from bench.measure import latency_stats, percentile, save, timed
from papertalk.config import EmbedderSettings, Settings
from papertalk.services.discover import similar as similar_service
from papertalk.services.discover.co_discussed import discussed_by_same_people
from papertalk.services.discover.term_stats import current_term_stats
from papertalk.storage.engine import Engine, make_engine

VECTORS = EmbedderSettings("wordllama", "l2_supercat", 256)
REAL = Path(__file__).parents[1] / ".." / "shared" / "data" / "kaggle_snapshot"


def _catalogue_file(papers: int) -> tuple[Path, int]:
    """The generated snapshot of ``papers`` lines plus the real sample lines (when there), made once."""
    generated = snapshot_file(DATA, papers)
    real = sorted(REAL.glob("*.jsonl")) if REAL.exists() else []
    path = DATA / f"discover-quality-{papers}.jsonl"
    lines = [line for f in real for line in f.read_bytes().splitlines() if line.strip()]
    if not path.exists():
        with path.open("wb") as out:
            out.write(generated.read_bytes())
            for line in lines:
                out.write(line + b"\n")
    return path, len(lines)


def _samples(fn: Any, ids: list[str]) -> dict[str, float]:
    fn(ids[0])
    ms = [timed(lambda i=i: fn(i))[0] * 1000 for i in ids]
    return {"median_ms": statistics.median(ms), "p99_ms": percentile(ms, 99), "max_ms": max(ms), "samples": len(ms)}


def quality(papers: int, queries: int, vectors: bool = False) -> dict[str, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    path, real_lines = _catalogue_file(papers)
    db = DATA / f"discover-quality-{papers}.sqlite3"
    url = f"sqlite:///{db}"
    if not db.exists():
        papertalk_import(path, f"sqlite:///{fresh(db)}")
    engine = make_engine(url)
    embedding = _embed_all(engine) if vectors else {}
    seconds_stats, _ = timed(lambda: current_term_stats(engine))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT arxiv_id, title, abstract, categories FROM papers ORDER BY id")).all()
    ids = [r[0] for r in rows]
    primary = [(r[3] or "").split()[0] if r[3] else "" for r in rows]
    position = {a: i for i, a in enumerate(ids)}
    fit_s, matrix = timed(
        lambda: TfidfVectorizer(ngram_range=(1, 2), lowercase=True).fit_transform(
            [f"{r[1] or ''} {r[2] or ''}" for r in rows]
        )
    )
    rnd = random.Random(19)
    real_ids = ids[len(ids) - real_lines :] if real_lines else []
    generated_ids = rnd.sample(ids[: len(ids) - real_lines], min(queries, len(ids) - real_lines))
    report: dict[str, Any] = {
        "papers": len(ids),
        "real_records": real_lines,
        "term_stats_s": round(seconds_stats, 2),
        "baseline_fit_s": round(fit_s, 1),
        "baseline_features": matrix.shape[1],
        **embedding,
    }
    for name, query_ids in (("generated", generated_ids), ("real", real_ids)):
        if not query_ids:
            continue
        overlap, ours_agree, base_agree, ours_ms, base_ms = [], [], [], [], []
        text_overlap, text_agree = [], []
        vec_overlap, vec_agree, vec_ms, alone_agree = [], [], [], []
        for arxiv_id in query_ids:
            i = position[arxiv_id]
            t0 = time.perf_counter()
            scores = (matrix @ matrix[i].T).toarray().ravel()
            scores[i] = -1.0
            top = scores.argsort()[::-1][:10]
            base_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            ours = [s.paper.arxiv_id for s in similar_service.similar_papers(engine, arxiv_id, 10)]
            ours_ms.append((time.perf_counter() - t0) * 1000)
            base = [ids[j] for j in top]
            text_only = _text_only(engine, arxiv_id)
            text_overlap.append(len(set(text_only) & set(base)) / 10)
            text_agree.append(sum(primary[position[o]] == primary[i] for o in text_only) / 10)
            overlap.append(len(set(ours) & set(base)) / 10)
            ours_agree.append(sum(primary[position[o]] == primary[i] for o in ours) / 10)
            base_agree.append(sum(primary[j] == primary[i] for j in top) / 10)
            if vectors:
                t0 = time.perf_counter()
                blended = [s.paper.arxiv_id for s in similar_service.similar_papers(engine, arxiv_id, 10, VECTORS)]
                vec_ms.append((time.perf_counter() - t0) * 1000)
                vec_overlap.append(len(set(blended) & set(base)) / 10)
                vec_agree.append(sum(primary[position[o]] == primary[i] for o in blended) / 10)
                alone = _vector_neighbours(engine, arxiv_id)
                alone_agree.append(sum(primary[position[o]] == primary[i] for o in alone) / 10)
        with_vectors = {
            "with_vectors_top10_overlap": statistics.mean(vec_overlap),
            "with_vectors_category_agreement_at10": statistics.mean(vec_agree),
            "with_vectors_median_ms": statistics.median(vec_ms),
            "vectors_alone_category_agreement_at10": statistics.mean(alone_agree),
        } if vectors else {}  # fmt: skip
        report[name] = {
            "queries": len(query_ids),
            "top10_overlap": statistics.mean(overlap),
            "category_agreement_at10_papertalk": statistics.mean(ours_agree),
            "category_agreement_at10_baseline": statistics.mean(base_agree),
            "text_only_top10_overlap": statistics.mean(text_overlap),
            "text_only_category_agreement_at10": statistics.mean(text_agree),
            "papertalk_median_ms": statistics.median(ours_ms),
            "baseline_query_median_ms": statistics.median(base_ms),
            **with_vectors,
        }
        print(name, report[name], flush=True)
    engine.dispose()
    return report


def _embed_all(engine: Engine) -> dict[str, Any]:
    """Every titled paper embedded (``papertalk embed --all``; nothing to do when already done)."""
    from papertalk.embedders.choice import embedder_from
    from papertalk.services.discover.embedding import embed_papers

    load_s, model = timed(lambda: embedder_from(VECTORS))
    embed_s, done = timed(lambda: embed_papers(engine, model, int(time.time()), everything=True))
    return {"model": done.model, "model_load_s": round(load_s, 2), "embed_s": round(embed_s, 1),
            "embedded": done.embedded, "unchanged": done.unchanged}  # fmt: skip


def _vector_neighbours(engine: Engine, arxiv_id: str) -> list[str]:
    """The 10 papers whose vectors are closest (the vectors alone: no words, authors or categories)."""
    from papertalk.services.discover.meaning import meaning_of
    from papertalk.storage.catalogue.paper_rows import paper_row_id, papers_by_row

    meaning = meaning_of(engine, VECTORS.model_key)
    assert meaning is not None
    with engine.connect() as conn:
        row = paper_row_id(conn, arxiv_id)
        assert row is not None
        rows = meaning.neighbours(row, 10)
        found = papers_by_row(conn, rows)
    return [found[r].arxiv_id for r in rows]


def _text_only(engine: Engine, arxiv_id: str) -> list[str]:
    """papertalk's similar papers without the author and category bonuses: what the words alone give."""
    saved = similar_service.AUTHOR_BONUS, similar_service.CATEGORY_BONUS
    similar_service.AUTHOR_BONUS = similar_service.CATEGORY_BONUS = 0.0
    try:
        return [s.paper.arxiv_id for s in similar_service.similar_papers(engine, arxiv_id, 10)]
    finally:
        similar_service.AUTHOR_BONUS, similar_service.CATEGORY_BONUS = saved


def _spread_ids(engine: Engine, count: int) -> list[str]:
    with engine.connect() as conn:
        top = int(conn.execute(text("SELECT MAX(id) FROM papers")).scalar_one())
        rows = random.Random(5).sample(range(1, top + 1), count)
        found = conn.execute(text(f"SELECT arxiv_id FROM papers WHERE id IN ({','.join(map(str, rows))})")).all()
    return [r[0] for r in found]


def _naive_mlt(db: Path) -> Any:
    """The naive more-like-this: the paper's same top terms OR-ed in one FTS5 query, ranked by bm25()."""
    conn = sqlite3.connect(db)
    engine = make_engine(f"sqlite:///{db}")
    from papertalk.services.discover import text_vectors as tv
    from papertalk.storage.catalogue.paper_rows import paper_row_id, papers_by_row

    def run(arxiv_id: str) -> list[Any]:
        stats = current_term_stats(engine)
        with engine.connect() as c:
            row = paper_row_id(c, arxiv_id)
            assert row is not None
            bag = tv.bag_of_words(papers_by_row(c, [row])[row])
            query = tv.vector(bag, tv.idf_table(bag, stats.counts, stats.papers))
        match = " OR ".join(f'"{t}"' for t in query.top_terms(similar_service.QUERY_TERMS))
        sql = "SELECT rowid FROM paper_fts WHERE paper_fts MATCH ? ORDER BY bm25(paper_fts) LIMIT 11"
        return conn.execute(sql, (match,)).fetchall()

    return run


def latency(papers: int, queries: int, postgres: str | None, naive_queries: int) -> dict[str, Any]:
    db = DATA / f"search-{papers}.sqlite3"
    if not db.exists():
        papertalk_import(snapshot_file(DATA, papers), f"sqlite:///{fresh(db)}")
    report: dict[str, Any] = {"papers": papers}
    backends = [("sqlite", f"sqlite:///{db}")] + ([("postgres", postgres)] if postgres else [])
    for name, url in backends:
        engine = make_engine(url)
        stats_s, _ = timed(lambda e=engine: current_term_stats(e))
        ids = _spread_ids(engine, queries)
        for arxiv_id in ids[:20]:  # warm the caches as a live server's would be
            similar_service.similar_papers(engine, arxiv_id)
        report[name] = {
            "term_stats_first_s": round(stats_s, 1),
            "papertalk": _samples(lambda i, e=engine: similar_service.similar_papers(e, i), ids),
        }
        if name == "sqlite":
            report[name]["naive_fts5_or_bm25"] = _samples(_naive_mlt(db), ids[:naive_queries])
        print(name, report[name], flush=True)
        engine.dispose()
    return report


def co(scale: float, runs: int, database: Path | None, naive: bool) -> dict[str, Any]:
    from bench.trending import NOW, build_sqlite

    path = database or DATA / f"trending-{scale:g}.sqlite3"
    if not path.exists():
        build_sqlite(path, scale)
    engine = make_engine(f"sqlite:///{path}")
    settings = Settings.from_env({})
    with engine.connect() as conn:
        hot_row, hot_people = conn.execute(
            text(
                "SELECT paper_id, COUNT(*) FROM votes WHERE first_at > :s AND first_at <= :n "
                "GROUP BY paper_id ORDER BY COUNT(*) DESC LIMIT 1"
            ),
            {"s": NOW - 7 * 86400, "n": NOW},
        ).one()
        hot = conn.execute(text("SELECT arxiv_id FROM papers WHERE id = :r"), {"r": hot_row}).scalar_one()
        voters = conn.execute(text("SELECT COUNT(*) FROM votes WHERE paper_id = :r"), {"r": hot_row}).scalar_one()
        mentions = conn.execute(text("SELECT COUNT(*) FROM mentions")).scalar_one()
    from papertalk.services.discover import co_discussed

    def with_voters(voters: int) -> dict[str, float]:
        saved, co_discussed.VOTERS = co_discussed.VOTERS, voters
        try:
            return latency_stats(lambda: discussed_by_same_people(engine, settings.ranking, hot), runs)
        finally:
            co_discussed.VOTERS = saved

    report = {
        "scale": scale,
        "mentions": mentions,
        "hottest_paper": hot,
        "its_week_votes": hot_people,
        "its_votes": voters,
        "papertalk": with_voters(co_discussed.VOTERS),
        "before_2000_voters": with_voters(2000),
    }
    if naive:  # the naive self-join of raw mentions: more than 15 minutes a run at 10M mentions
        raw = sqlite3.connect(path)
        naive_sql = (
            "SELECT m2.paper_id, COUNT(DISTINCT m2.account_id) AS n FROM mentions m1 JOIN mentions m2 ON "
            "m2.account_id = m1.account_id AND m2.created_at BETWEEN m1.created_at - 259200 AND m1.created_at + 259200 "
            "WHERE m1.paper_id = ? AND m2.paper_id <> ? GROUP BY m2.paper_id ORDER BY n DESC LIMIT 10"
        )
        report["naive_mentions_self_join"] = latency_stats(
            lambda: raw.execute(naive_sql, (hot_row, hot_row)).fetchall(), 1, 0
        )
    print(report, flush=True)
    return report


def foryou(database: Path, seeds: int, runs: int) -> dict[str, Any]:
    """For you with ``seeds`` seed papers (a person with that many papers on lists) over the week's discussed
    papers of bench.web's world, beside the naive model: every candidate's full tf-idf cosine with every seed."""
    from bench.trending import NOW
    from papertalk.services.discover import text_vectors as tv
    from papertalk.services.discover.for_you import CANDIDATES, Seed, for_you
    from papertalk.services.ranking.trending import TrendingQuery, trending
    from papertalk.storage.catalogue.paper_rows import papers_by_arxiv_id

    engine = make_engine(f"sqlite:///{database}")
    settings = Settings.from_env({})
    chosen = [Seed(a, "on your list Bench") for a in _spread_ids(engine, seeds)]

    def naive() -> list[tuple[float, str]]:
        stats = current_term_stats(engine)
        items = trending(engine, settings, NOW, TrendingQuery(window="week", limit=CANDIDATES)).items
        with engine.connect() as conn:
            papers = papers_by_arxiv_id(conn, [s.arxiv_id for s in chosen] + [i.arxiv_id for i in items])
        bags = {a: tv.bag_of_words(p) for a, p in papers.items() if p.title is not None}
        idfs = tv.idf_table(set().union(*bags.values()), stats.counts, stats.papers)
        seed_vectors = [tv.vector(bags[s.arxiv_id], idfs) for s in chosen if s.arxiv_id in bags]
        best = []
        for item in items:
            if item.arxiv_id in bags:
                best.append(max(tv.closeness(v, bags[item.arxiv_id], idfs)[0] for v in seed_vectors))
        return sorted(zip(best, [i.arxiv_id for i in items], strict=False), reverse=True)[:20]

    found = for_you(engine, settings, NOW, chosen)
    report = {
        "seeds": len(chosen),
        "results": len(found),
        "papertalk": latency_stats(lambda: for_you(engine, settings, NOW, chosen), runs),
        "naive_all_pairs_cosine": latency_stats(naive, max(3, runs // 5), 1),
    }
    print(report, flush=True)
    return report


def closest(papers: int, seeds: int, runs: int) -> dict[str, Any]:
    from dataclasses import replace

    from papertalk.services.discover.for_you import CANDIDATES, Seed, closest_to_seeds

    engine = make_engine(f"sqlite:///{DATA / f'discover-quality-{papers}.sqlite3'}")
    picked = _spread_ids(engine, seeds + CANDIDATES)
    chosen, candidates = [Seed(a, "on your list Bench") for a in picked[:seeds]], picked[seeds:]
    plain = Settings.from_env({})
    with_vectors = replace(plain, embedder=VECTORS)
    report = {
        "papers": papers,
        "seeds": len(chosen),
        "candidates": len(candidates),
        "lexical": latency_stats(lambda: closest_to_seeds(engine, plain, chosen, candidates), runs),
        "with_vectors": latency_stats(lambda: closest_to_seeds(engine, with_vectors, chosen, candidates), runs),
    }
    print(report, flush=True)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", choices=["quality", "latency", "co", "foryou", "closest"])
    parser.add_argument("--papers", type=int, default=None, help="quality: 100,000; latency: 3,000,000")
    parser.add_argument("--queries", type=int, default=None, help="query papers (quality 400, latency 200)")
    parser.add_argument("--naive-queries", type=int, default=20, help="latency: papers for the naive baseline")
    parser.add_argument("--postgres", default=None, help="latency: also on this PostgreSQL (catalogue imported)")
    parser.add_argument("--scale", type=float, default=1.0, help="co: bench.trending's scale (1.0 = 10M mentions)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--vectors", action="store_true", help="quality: also with semantic vectors (WordLlama)")
    parser.add_argument("--naive", action="store_true", help="co: also the naive self-join of raw mentions (slow)")
    parser.add_argument("--seeds", type=int, default=500, help="foryou: seed papers (papers on the person's lists)")
    parser.add_argument(
        "--database", type=Path, default=None, help="co, foryou: an existing world (a copy of bench.web's)"
    )
    parser.add_argument("--results", type=Path, default=None)
    args = parser.parse_args()
    if args.part == "quality":
        result = quality(args.papers or 100_000, args.queries or 400, args.vectors)
    elif args.part == "latency":
        result = latency(args.papers or 3_000_000, args.queries or 200, args.postgres, args.naive_queries)
    elif args.part == "co":
        result = co(args.scale, args.runs, args.database, args.naive)
    elif args.part == "closest":
        result = closest(args.papers or 100_000, args.seeds, args.runs)
    else:
        result = foryou(args.database or DATA / "web-1.sqlite3", args.seeds, args.runs)
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    size = result.get("papers") if args.part in ("quality", "latency", "closest") else f"scale{args.scale:g}"
    save(f"discover-{args.part}-{size}", result, args.results)


if __name__ == "__main__":
    main()
