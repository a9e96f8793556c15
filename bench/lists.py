"""bench/lists: reading lists, side by side in one run.

1. The page of a list of 2,000 items in 40 sections (/lists/ID over the real app, through Starlette's test
   client): median of the whole answer, for a reader and for an editor; beside the editor's, the same page
   with the earlier template (list.html as of commit PER_ITEM_FORMS, read from git: every item carrying its
   own five forms), served by a second app over the same database; beside it the list's loading alone, papertalk's
   (a fixed number of queries, ``services.library.list_reading.list_view``) against a per-item-queries
   baseline (one SELECT per item, as an ORM's lazy loading does).
2. Importing a 500-item notes page with 100 unlinked talk titles matched against the catalogue
   (``services.library.list_import.preview``: one indexed title lookup for all, a search for the rest;
   then ``save_import``); beside it two baselines: the earlier matcher, one catalogue search per title
   (run on 10 titles, scaled to 100), and a LIKE scan for each word (run on 3 titles).

The catalogue for step 2 is made here at ``--papers`` (default 50,000) or, with ``--catalogue URL``, read
from an existing search database such as ``bench/search.py``'s ``search-3000000.sqlite3`` (opened read-only;
the save then goes to the small database of step 1).

    python -m bench.lists [--papers 50000] [--catalogue sqlite:///file:PATH?mode=ro&uri=true] [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import time
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader
from sqlalchemy import select, text

from bench.measure import latency_stats, save, timed
from papertalk.config import Settings
from papertalk.core.list_records import PUBLIC
from papertalk.core.records import Paper
from papertalk.services.library import list_editing, list_import, list_reading
from papertalk.services.people import user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import Engine, make_engine
from papertalk.storage.library.list_content_rows import NewItem, insert_items, insert_section
from papertalk.storage.schema import upgrade
from papertalk.storage.tables import list_items

DATA = Path(__file__).parent / "data"
PER_ITEM_FORMS = "e92722af168f"  # the last commit whose list.html gave every item of an editor's page its forms
NOW = 1_800_000_000
WORDS = [
    "neural",
    "attention",
    "graph",
    "quantum",
    "bayesian",
    "sparse",
    "robust",
    "spectral",
    "causal",
    "latent",
    "diffusion",
    "kernel",
    "transformer",
    "lattice",
    "entropy",
    "manifold",
    "stochastic",
    "variational",
    "federated",
    "contrastive",
]


def title(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS).capitalize() for _ in range(5)) + f" {n}"


def build_list(engine: Engine, owner: Any, sections: int = 40, items: int = 2000) -> int:
    lid = list_editing.create_list(engine, owner, "Big conference", "Notes with $x$", PUBLIC, NOW)
    rng = random.Random(1)
    with engine.begin() as conn:
        ids = []
        for day in range(sections // 5):
            top = insert_section(conn, lid, None, f"Day {day + 1}")
            ids.extend(insert_section(conn, lid, top, f"Session {s + 1}") for s in range(4))
            ids.append(top)
        made = [
            NewItem(
                ids[n % len(ids)],
                f"2401.{n:05d}",
                None,
                title(rng, n),
                ("A verdict *here*", "<p>A verdict <em>here</em></p>"),
                ("", ""),
                1,
                (("slides", "https://example.org/s"),),
                ("tag",),
            )
            for n in range(items)
        ]
        insert_items(conn, lid, made, None, NOW)
    return lid


def cpu_ms(fn: Any) -> float:
    started = time.process_time()
    fn()
    return (time.process_time() - started) * 1000


def sign_in(engine: Engine, owner: Any) -> str:
    from papertalk.services.people import sessions

    people = Settings.from_env({"PAPERTALK_DATABASE_URL": str(engine.url)}).people
    return sessions.sign_in(engine, people, owner.name, "correct horse battery", "127.0.0.1", int(time.time())).token


def per_item_baseline(engine: Engine, list_id: int) -> int:
    """The lazy-loading way: the item ids, then one SELECT per item."""
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(select(list_items.c.id).where(list_items.c.list_id == list_id))]
        rows = [conn.execute(select(list_items).where(list_items.c.id == i)).first() for i in ids]
    return len(rows)


def per_item_forms_templates(data: Path) -> Path:
    """A folder holding the earlier list.html (from git), to shadow today's in the baseline's app."""
    folder = data / "per-item-forms"
    folder.mkdir(exist_ok=True)
    made = subprocess.run(
        ["git", "show", f"{PER_ITEM_FORMS}:papertalk/web/templates/list.html"],
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        check=True,
    )
    (folder / "list.html").write_text(made.stdout)
    return folder


def render_bench(db: Path, runs: int, items: int) -> tuple[dict[str, Any], Engine, Any]:
    from starlette.testclient import TestClient

    from papertalk.web.app import create_app

    db.unlink(missing_ok=True)
    url = f"sqlite:///{db}"
    engine = make_engine(url)
    upgrade(engine)
    owner = user_accounts.add_user(engine, OPERATOR, "ada", "ada@example.org", "correct horse battery", False, NOW)
    lid = build_list(engine, owner, items=items)
    client = TestClient(create_app(Settings.from_env({"PAPERTALK_DATABASE_URL": url})))
    assert client.get(f"/lists/{lid}").status_code == 200
    page = latency_stats(lambda: client.get(f"/lists/{lid}"), runs)
    # CPU time too: on a machine shared by many processes, wall time mostly measures waiting for a core
    cpu = [cpu_ms(lambda: client.get(f"/lists/{lid}")) for _ in range(runs)]
    page["cpu_median_ms"] = statistics.median(cpu)
    signed = sign_in(engine, owner)
    editors = {}
    old_templates = per_item_forms_templates(db.parent)
    for name, templates in (("page_for_an_editor", None), ("page_for_an_editor_per_item_forms", old_templates)):
        app = create_app(Settings.from_env({"PAPERTALK_DATABASE_URL": url}))
        if templates is not None:  # the earlier list.html shadows today's; every other template is today's
            env = app.state.web.env
            env.loader = ChoiceLoader([FileSystemLoader(templates), env.loader])
        editor = TestClient(app)
        editor.cookies.set("papertalk_session", signed)
        editors[name] = editor
    page_editor: dict[str, dict[str, Any]] = {}
    for _ in range(2):  # the two templates in turn, so that both meet the same load on a shared machine
        for name, editor in editors.items():
            answer = editor.get(f"/lists/{lid}")
            assert answer.status_code == 200 and 'name="version"' in answer.text
            fetch = partial(editor.get, f"/lists/{lid}")
            stats = latency_stats(fetch, max(3, runs // 4))
            stats["cpu_median_ms"] = statistics.median([cpu_ms(fetch) for _ in range(max(3, runs // 4))])
            stats["bytes"] = len(answer.content)
            page_editor.setdefault(name, stats)
            if stats["median_ms"] < page_editor[name]["median_ms"]:
                page_editor[name] = stats
    ours = latency_stats(lambda: list_reading.list_view(engine, None, lid), runs)
    baseline = latency_stats(lambda: per_item_baseline(engine, lid), runs)
    return (
        {
            "items": items,
            "sections": 40,
            "page": page,
            **page_editor,
            "editor_speedup": page_editor["page_for_an_editor_per_item_forms"]["median_ms"]
            / page_editor["page_for_an_editor"]["median_ms"],
            "load_papertalk": ours,
            "load_per_item_baseline": baseline,
            "load_speedup": baseline["median_ms"] / ours["median_ms"],
        },
        engine,
        owner,
    )


def make_catalogue(papers: int, db: Path) -> tuple[Engine, list[str]]:
    rng = random.Random(7)
    fresh = not db.exists()
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    titles = [title(rng, n) for n in range(papers)]
    if fresh:
        with engine.begin() as conn:
            for start in range(0, papers, 5000):
                batch = [
                    Paper(
                        f"2{(n // 99999) % 9}{(n // 99999) % 12 + 1:02d}.{n % 99999:05d}",
                        titles[n],
                        ("A. Author",),
                        "Abstract.",
                        ("cs.LG",),
                        NOW - n,
                    )
                    for n in range(start, min(papers, start + 5000))
                ]
                upsert_papers(conn, batch, NOW)
    return engine, titles


def notes_page(titles: list[str], unlinked: int = 100, items: int = 500) -> str:
    lines = ["# Conference notes", ""]
    for n in range(items):
        if n % 25 == 0:
            lines += ["", f"## Day {n // 100 + 1}", "", f"### Session {n // 25 + 1}", ""]
        if n < unlinked:
            lines.append(f"- {titles[(n * 7919) % len(titles)]}")
        else:
            lines.append(f"- [Talk {n}](https://arxiv.org/abs/2401.{n:05d}) [slides](https://example.org/{n})")
        lines.append("  - A one-line verdict")
    return "\n".join(lines) + "\n"


def like_baseline(engine: Engine, talk: str) -> int:
    words = [w for w in talk.split() if len(w) > 2][:6]
    where = " AND ".join(f"title LIKE :w{n}" for n in range(len(words)))
    with engine.connect() as conn:
        return len(
            conn.execute(
                text(f"SELECT id FROM papers WHERE {where} LIMIT 3"), {f"w{n}": f"%{w}%" for n, w in enumerate(words)}
            ).all()
        )


def titles_of(engine: Engine, count: int) -> list[str]:
    with engine.connect() as conn:
        return [
            str(r[0])
            for r in conn.execute(
                text(f"SELECT title FROM papers WHERE title IS NOT NULL ORDER BY id DESC LIMIT {count}")
            )
        ]


def import_bench(catalogue: Engine, titles: list[str], store: Engine, owner: Any, papers: int) -> dict[str, Any]:
    page = notes_page(titles)
    list_import.preview(catalogue, page)  # warm the catalogue's pages once, as a running server would be
    seconds_preview, found = timed(lambda: list_import.preview(catalogue, page))
    matched = sum(1 for i in found.plan.all_items() if i.unlinked and found.candidates.get(i.line))
    right = sum(
        1
        for i in found.plan.all_items()
        if i.unlinked and found.candidates.get(i.line) and found.candidates[i.line][0].title == i.title
    )
    choices = {line: c[0].arxiv_id for line, c in found.candidates.items()}
    seconds_save, _ = timed(
        lambda: list_import.save_import(store, Settings("sqlite://"), owner, page, choices, "private", NOW)
    )
    per_title = statistics.median(timed(lambda t=t: like_baseline(catalogue, t))[0] for t in titles[:3])
    # the matcher before the title index, in this run: one catalogue search per title (10 titles, scaled)
    searched = [timed(lambda t=t: list_import.candidates_for(catalogue, t))[0] for t in titles[:10]]
    return {
        "papers": papers,
        "items": 500,
        "unlinked": 100,
        "matched": matched,
        "best_is_right": right,
        "preview_s": seconds_preview,
        "save_s": seconds_save,
        "total_s": seconds_preview + seconds_save,
        "baseline_like_per_title_s": per_title,
        "baseline_like_100_titles_s": per_title * 100,
        "baseline_search_per_title_s": statistics.median(searched),
        "baseline_search_100_titles_s": sum(searched) * 10,
        "load": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=50_000)
    parser.add_argument("--catalogue", help="an existing search database's URL (read-only), e.g. 3M papers")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--items", type=int, default=2000, help="items of the rendered list (40 sections)")
    parser.add_argument("--data", type=Path, default=DATA, help="where the databases are kept")
    parser.add_argument("--results", type=Path, default=None, help="where the JSON report goes")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    render, store, owner = render_bench(args.data / "lists-render.sqlite3", args.runs, args.items)
    print("render", {k: v for k, v in render.items()})
    if args.catalogue:
        catalogue = make_engine(args.catalogue)
        with catalogue.connect() as conn:
            papers = int(conn.execute(text("SELECT count(*) FROM papers")).scalar_one())
        titles = titles_of(catalogue, 5000)
    else:
        catalogue, titles = make_catalogue(args.papers, args.data / f"lists-catalogue-{args.papers}.sqlite3")
        papers = args.papers
    started = time.perf_counter()
    imported = import_bench(catalogue, titles, store, owner, papers)
    print("import", imported, f"({time.perf_counter() - started:.1f} s)")
    print(save("lists", {"render": render, "import": imported}, args.results))


if __name__ == "__main__":
    main()
