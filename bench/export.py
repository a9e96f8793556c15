"""bench/export: export, restore into SQLite and ``db copy`` to PostgreSQL of 1M papers and 10M mentions.

The dataset is bench/trending's (1,000,000 papers with their search index, 300,000 accounts, ~10M mentions
and their votes), plus one post row per mention so that every foreign key holds (bench/trending leaves
posts out: its ranking never reads them). It is built once and cached under bench/data; an existing
``trending-SCALE.sqlite3`` is copied instead of built again (``--from`` names another one, bench/web's
``web-1.sqlite3`` too: it has its posts already). ``--use FILE`` runs on FILE itself, a private copy made
beforehand (``sqlite3 SHARED ".backup FILE"``): it saves one more copy of several GB; the posts are added to
it and it is marked ready, so never point it at a shared file.

Then, side by side in one run, each in a child process whose peak RSS is measured:

* ``papertalk export DIR`` against ``sqlite3 DB .dump > FILE``;
* ``papertalk restore DIR`` into a new SQLite file against ``sqlite3 NEW < FILE``;
* ``papertalk db copy --to PG`` against ``sqlite3 -csv ... | psql -c 'COPY ... CSV'`` table by table into the
  same migrated schema (the plain-tools pipeline; it neither verifies nor resumes).

    python -m bench.export [--scale 1.0] [--postgres URL] [--from bench/data/trending-1.sqlite3 | --use COPY]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench.measure import save
from bench.trending import DATA, build_sqlite
from papertalk.storage.engine import make_engine
from papertalk.storage.schema import upgrade
from papertalk.storage.tables import metadata

READY = "bench_export_ready"
# papertalk's three and their baselines: .dump, sqlite3 < dump.sql, sqlite3 -csv | psql COPY
STEPS = ("export", "dump", "restore", "load", "copy", "csv")
LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"  # databases are made beside it


def prepare(path: Path, scale: float, trending: Path | None, in_place: bool = False) -> float:
    """Build (or copy) the dataset into ``path`` once; returns seconds spent (0 when cached).

    ``in_place``: ``path`` is a private copy of a built database; it is completed where it is."""
    if path.exists() and not in_place:
        db = sqlite3.connect(path)
        ready = db.execute("SELECT value FROM instance_meta WHERE key = ?", (READY,)).fetchone()
        db.close()
        if ready:
            return 0.0
        path.unlink()
    start = time.perf_counter()
    if in_place:
        pass
    elif trending is not None and trending.exists():
        source = sqlite3.connect(trending)
        target = sqlite3.connect(path)
        source.backup(target)  # a consistent copy even while its WAL is not checkpointed
        source.close()
        target.close()
    else:
        build_sqlite(path, scale)
    db = sqlite3.connect(path)
    if in_place and db.execute("SELECT value FROM instance_meta WHERE key = ?", (READY,)).fetchone():
        db.close()
        return 0.0
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute(
        "INSERT INTO posts (id, platform, post_id, account_id, created_at, kind, url) "
        "SELECT post_id, 'bluesky', 'bench' || post_id, account_id, created_at, 'post', "
        "'https://bsky.app/profile/x/post/' || post_id FROM mentions WHERE post_id NOT IN (SELECT id FROM posts)"
    )
    db.execute("INSERT INTO instance_meta (key, value) VALUES (?, 'yes')", (READY,))
    db.commit()
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return time.perf_counter() - start


_CHILD = (
    "import resource, subprocess, sys, json;"
    "p = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
    "print(json.dumps({'rc': p.returncode, 'out': p.stdout, 'err': p.stderr[-2000:], 'rss': u.ru_maxrss,"
    " 'cpu': u.ru_utime + u.ru_stime}))"
)


def run_child(*command: str) -> dict[str, Any]:
    """Run ``command`` in its own child: wall seconds, CPU seconds (the machine is shared: CPU time says what
    the work costs, wall time what it took here), peak RSS MiB of its largest process, and its stdout."""
    before = [round(x, 1) for x in os.getloadavg()]
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, *command], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    report = json.loads(done.stdout)
    if report["rc"] != 0:
        raise SystemExit(f"{' '.join(command)[:200]} failed: {report['err']}")
    return {"seconds": round(seconds, 1), "cpu_s": round(report["cpu"], 1), "peak_rss_mb": round(report["rss"] / 1024),
            "load_before": before, "load_after": [round(x, 1) for x in os.getloadavg()],
            "out": report["out"]}  # fmt: skip


def run_papertalk(*args: str) -> dict[str, Any]:
    measured = run_child(str(Path(sys.executable).parent / "papertalk"), *args)
    measured["out"] = json.loads(measured["out"])
    return measured


def run_shell(command: str) -> dict[str, Any]:
    measured = run_child("bash", "-o", "pipefail", "-c", command)
    del measured["out"]
    return measured


def drop_postgres(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def fresh_postgres(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def csv_copy_baseline(source: Path, pg_url: str, work: Path) -> dict[str, Any]:
    """sqlite3 -csv | psql COPY, table by table in FK order, into a migrated schema (FKs checked as it goes)."""
    engine = make_engine(pg_url)
    upgrade(engine)
    engine.dispose()
    psql_url = pg_url.replace("postgresql+psycopg://", "postgresql://")
    steps = []
    for table in metadata.sorted_tables:
        cols = ", ".join(f'"{c.name}"' for c in table.columns)
        steps.append(
            f"sqlite3 -csv {source} 'SELECT {cols} FROM \"{table.name}\"' | "
            f"psql -q {psql_url} -c 'COPY \"{table.name}\" ({cols}) FROM STDIN CSV'"
        )
    script = work / "csv-copy-baseline.sh"
    script.write_text("set -e\n" + "\n".join(steps) + "\n")
    return run_shell(f"bash -e {script}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1M papers, 10M mentions, 300k accounts")
    parser.add_argument(
        "--postgres", default=os.environ.get("PAPERTALK_BENCH_POSTGRES_URL", LOCAL_PG), help="admin URL"
    )
    parser.add_argument("--from", dest="trending", type=Path, default=None, help="a bench/trending database to reuse")
    parser.add_argument("--use", type=Path, default=None, help="run on this private copy itself (it is written to)")
    parser.add_argument(
        "--steps", default=",".join(STEPS), help="which to run, comma-separated (the default: all): " + ", ".join(STEPS)
    )
    parser.add_argument("--data", type=Path, default=DATA, help="where the dataset and the run's files go")
    parser.add_argument("--results", type=Path, default=None, help="where the JSON results go")
    parser.add_argument("--databases", default="bench_export", help="prefix of the PostgreSQL databases made")
    args = parser.parse_args()
    data: Path = args.data
    data.mkdir(parents=True, exist_ok=True)
    scale = f"{args.scale:g}"
    source: Path = args.use or data / f"export-{scale}.sqlite3"
    report: dict[str, Any] = {"scale": args.scale, "cores": os.cpu_count()}
    trending = args.trending or data / f"trending-{scale}.sqlite3"
    report["prepare_s"] = round(prepare(source, args.scale, trending, in_place=args.use is not None), 1)
    db = sqlite3.connect(source)
    tables = metadata.sorted_tables
    report["rows"] = {t.name: db.execute(f'SELECT COUNT(*) FROM "{t.name}"').fetchone()[0] for t in tables}
    db.close()
    report["source_bytes"] = source.stat().st_size
    print("dataset", report["rows"], flush=True)
    work = data / f"export-run-{scale}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    url = f"sqlite:///{source}"

    steps = set(args.steps.split(","))
    unknown = steps - set(STEPS)
    if unknown:
        raise SystemExit(f"--steps: unknown {', '.join(sorted(unknown))}; choose from {', '.join(STEPS)}")

    def step(name: str, measured: dict[str, Any]) -> None:
        report[name] = measured
        print(name, measured, flush=True)
        save(f"export-{scale}", report, args.results)  # after each step: a long run keeps what it measured

    if steps & {"export", "restore"}:
        export = run_papertalk("--database", url, "export", str(work / "dump"), "--json")
        step("export", {**export, "out": None, "bytes": export["out"]["bytes"]})
    if steps & {"dump", "load"}:
        dumped = run_shell(f"sqlite3 {source} .dump > {work / 'dump.sql'}")
        step("baseline_dump", {**dumped, "bytes": (work / "dump.sql").stat().st_size})
    if "restore" in steps:
        restored = work / "restored.sqlite3"
        loaded = run_papertalk("--database", f"sqlite:///{restored}", "restore", str(work / "dump"), "--json")
        step("restore_sqlite", {**loaded, "out": None, "bytes": restored.stat().st_size})
        restored.unlink()
    shutil.rmtree(work / "dump", ignore_errors=True)
    if "load" in steps:
        step("baseline_load", run_shell(f"sqlite3 {work / 'baseline.sqlite3'} < {work / 'dump.sql'}"))
    for stale in work.glob("*.sqlite3*"):
        stale.unlink()
    (work / "dump.sql").unlink(missing_ok=True)

    if "copy" in steps:
        target = fresh_postgres(args.postgres, f"{args.databases}_copy")
        copied = run_papertalk("--database", url, "db", "copy", "--to", target, "--json")
        step("db_copy", {**copied, "out": None, "verified": copied["out"]["verified"]})
        drop_postgres(args.postgres, f"{args.databases}_copy")  # before the baseline fills another
    if "csv" in steps:
        baseline = fresh_postgres(args.postgres, f"{args.databases}_csv")
        step("baseline_csv_copy", csv_copy_baseline(source, baseline, work))
        drop_postgres(args.postgres, f"{args.databases}_csv")
    shutil.rmtree(work, ignore_errors=True)
    report["self_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(f"results: {save(f'export-{scale}', report, args.results)}")


if __name__ == "__main__":
    main()
