"""bench/people_web: the trending page of a signed-in person whose network is 2,000 accounts, beside the
signed-out page, over 1M papers, ~10M mentions and 10,000 users, on SQLite (one web process) and PostgreSQL
(two web processes).

Data: the cached database of bench/web (papers with metadata, accounts, mentions with their posts, votes,
rank tables), plus, added once with set-based inserts and cached with it: 10,000 users (all with one
precomputed argon2id hash: signing in is measured by bench/signin), each with a personal network of a few
dozen to a few hundred accounts, a live session each, settings for half of them; and one reader whose
network is 2,000 accounts drawn from the 4,000 that voted most (accounts that do post). PostgreSQL gets a
copy of that SQLite database (COPY, table by table), cached in its own database.

Then, in one run per backend:

- the reader's network's precomputed ranking made once, as the worker makes it (timed);
- in process (the ASGI app, no network), render cache off: ``GET /`` signed in with the reader's session
  cookie (their network, the default for them) against ``GET /`` signed out, median and p99, and signed in
  on the old path (the precomputed ranking forgotten: the network's votes read on every page);
- the same with the render caches on, as deployed;
- ``wrk`` against ``papertalk serve`` (bench.web_server), with the session cookie against signed out: one
  process on SQLite, two processes on PostgreSQL (one wrk per process, at once; requests/s summed); then
  against servers whose personal page cache is off, with the precomputed ranking and on the old path.

    python -m bench.people_web [--scale 1.0] [--postgres URL] [--runs 30] [--wrk-seconds 15]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, text
from starlette.testclient import TestClient

from bench.measure import latency_stats, save, timed
from bench.trending import DATA, NOW
from bench.web import free_port, web_database
from papertalk.config import Settings
from papertalk.core.network_records import PERSONAL, PRIVATE, personal_network_name
from papertalk.services.people.passwords import hash_password
from papertalk.services.people.tokens import token_hash
from papertalk.storage.engine import Engine, make_engine
from papertalk.storage.instance_meta import get_meta, set_meta
from papertalk.storage.ranking.network_scores import build_network_ranking
from papertalk.storage.schema import upgrade
from papertalk.storage.tables import metadata, network_accounts, networks, sessions, user_settings, users
from papertalk.web.app import create_app
from papertalk.web.state import WebSettings
from papertalk.web.viewer import SESSION_COOKIE

PEOPLE_KEY = "bench_people"  # instance_meta: the people layer is in (its shape as the value)
READER = "reader"
DAY = 86_400


def session_token(user_id: int) -> str:
    """The bench's session token of a user (only its hash is stored, as for real sessions)."""
    return f"bench-session-{user_id:06d}-0123456789abcdefghijklmnopqrstuv"


def add_people(engine: Engine, users_count: int, network_size: int, seed: int = 5) -> dict[str, Any]:
    """Users, their networks, settings and sessions, bulk-inserted once (skipped when already there)."""
    shape = f"{users_count} users, reader network {network_size}"
    with engine.connect() as conn:
        if get_meta(conn, PEOPLE_KEY) == shape:
            reader_id = conn.execute(text("SELECT id FROM users WHERE name_key = :k"), {"k": READER}).scalar_one()
            return {"added": False, "reader_id": int(reader_id)}
        if get_meta(conn, PEOPLE_KEY) is not None:
            raise SystemExit(f"{engine.url}: holds another people layer; rebuild it (delete the database)")
        most_active = "SELECT account_id FROM votes GROUP BY account_id ORDER BY COUNT(*) DESC LIMIT :n"
        top = [int(r[0]) for r in conn.execute(text(most_active), {"n": 2 * network_size})]
        all_accounts = int(conn.execute(text("SELECT MAX(id) FROM accounts")).scalar_one())
        first_network = int(conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM networks")).scalar_one()) + 1
    rnd = random.Random(seed)
    stored = hash_password("correct horse battery staple")  # one hash for all: sign-in is bench/signin's
    user_rows, network_rows, member_rows, setting_rows, session_rows = [], [], [], [], []
    for uid in range(1, users_count + 1):
        name = READER if uid == 1 else f"person{uid:05d}"
        user_rows.append({"id": uid, "name": name, "name_key": name, "email": f"{name}@example.org",
                          "password_hash": stored, "is_admin": uid == 2, "disabled": False,
                          "created_at": NOW - rnd.randrange(300 * DAY)})  # fmt: skip
        network_id = first_network + uid - 1
        network_rows.append({"id": network_id, "name": personal_network_name(name), "owner_user_id": uid,
                             "kind": PERSONAL, "visibility": PRIVATE})  # fmt: skip
        if uid == 1:
            follows = set(rnd.sample(top, min(network_size, len(top))))
        else:  # a few dozen to a few hundred accounts: half among the active core, half anyone
            size = min(all_accounts, int(rnd.lognormvariate(4.0, 0.8)))
            follows = {rnd.choice(top) if rnd.random() < 0.5 else rnd.randint(1, all_accounts) for _ in range(size)}
        member_rows += [{"network_id": network_id, "account_id": a} for a in sorted(follows)]
        if uid % 2 == 1 and uid != 1:
            setting_rows.append({"user_id": uid, "timezone": "Europe/Paris", "categories": "", "language": "en"})
        session_rows.append({"token_hash": token_hash(session_token(uid)), "user_id": uid, "created_at": NOW - DAY,
                             "last_seen_at": NOW, "expires_at": NOW + 30 * DAY, "revoked_at": None})  # fmt: skip
    with engine.begin() as conn:
        for table, rows in ((users, user_rows), (networks, network_rows), (user_settings, setting_rows),
                            (sessions, session_rows)):  # fmt: skip
            conn.execute(insert(table), rows)
        for start in range(0, len(member_rows), 50_000):
            conn.execute(insert(network_accounts), member_rows[start : start + 50_000])
        set_meta(conn, PEOPLE_KEY, shape)
    return {"added": True, "reader_id": 1, "network_accounts": len(member_rows)}


def copy_to_postgres(sqlite_path: Path, url: str) -> None:
    """The whole SQLite database into a fresh PostgreSQL one, table by table with COPY (foreign keys are
    not checked during the load: the source already satisfies them)."""
    engine = make_engine(url)
    metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(engine)
    source = sqlite3.connect(sqlite_path)
    raw = engine.raw_connection()
    cur = raw.cursor()
    cur.execute("SET session_replication_role = replica")
    for table in metadata.sorted_tables:
        columns = [c.name for c in table.columns]
        names = ", ".join(columns)
        started = time.perf_counter()
        rows = source.execute(f"SELECT {names} FROM {table.name}")  # our own table names
        with cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row(row)
        print(f"  postgres: {table.name} in {time.perf_counter() - started:.0f}s", flush=True)
    for table in metadata.sorted_tables:
        if "id" in table.columns and table.columns["id"].primary_key and table.columns["id"].autoincrement:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"GREATEST(1, (SELECT COALESCE(MAX(id), 0) FROM {table.name})))")  # fmt: skip
    cur.execute("SET session_replication_role = DEFAULT")
    raw.commit()
    driver = raw.driver_connection
    driver.autocommit = True  # type: ignore[union-attr]
    tables = ", ".join(t.name for t in metadata.sorted_tables)
    driver.execute(f"VACUUM ANALYZE {tables}")  # type: ignore[union-attr]  # the visibility map: index-only scans
    raw.close()
    source.close()
    engine.dispose()


def postgres_ready(url: str, shape: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return get_meta(conn, PEOPLE_KEY) == shape
    except Exception:  # no tables yet: not ready
        return False
    finally:
        engine.dispose()


def make_network_ranking(url: str, reader_id: int, made: bool) -> float:
    """Make the reader's network's precomputed ranking at NOW, as the worker does (``made``), or forget it
    (the old path: the page reads the network's votes); the seconds it took."""
    engine = make_engine(url)
    settings = Settings.from_env({"PAPERTALK_DATABASE_URL": url})
    started = time.perf_counter()
    with engine.begin() as conn:
        network = int(
            conn.execute(text("SELECT id FROM networks WHERE owner_user_id = :u"), {"u": reader_id}).scalar_one()
        )
        if made:
            build_network_ranking(conn, settings.ranking, network, NOW)
        else:
            conn.execute(text("DELETE FROM network_rank_state WHERE network_id = :n"), {"n": network})
    engine.dispose()
    return round(time.perf_counter() - started, 2)


def render_in_process(url: str, cookie: str, runs: int, cache_seconds: int, reader_id: int) -> dict[str, Any]:
    """Median and p99 of ``GET /`` signed in against signed out, alternating the two, in one process; with the
    render caches off, also signed in on the old path (the network's votes read on every page)."""
    settings = Settings.from_env({"PAPERTALK_DATABASE_URL": url})
    app = create_app(settings, WebSettings(render_cache_seconds=cache_seconds), clock=lambda: float(NOW))
    out: dict[str, Any] = {}
    with TestClient(app) as signed_out, TestClient(app, cookies={SESSION_COOKIE: cookie}) as signed_in:
        mine = signed_in.get("/")
        ok(mine)
        signed = "My network" in mine.text and 'title="Your account">reader<' in mine.text
        assert signed, "the session did not sign the reader in"
        out["signed_in_papers"] = mine.text.count('class="paper"')
        out["signed_in"] = latency_stats(lambda: ok(signed_in.get("/")), runs)
        out["signed_out"] = latency_stats(lambda: ok(signed_out.get("/")), runs)
        out["signed_in_again"] = latency_stats(lambda: ok(signed_in.get("/")), runs)
        if cache_seconds == 0:
            make_network_ranking(url, reader_id, False)
            old = signed_in.get("/")
            ok(old)
            assert _papers(old.text) == _papers(mine.text), "the old path ranks otherwise"
            out["signed_in_old_path"] = latency_stats(lambda: ok(signed_in.get("/")), runs)
            make_network_ranking(url, reader_id, True)
            out["signed_in_after"] = latency_stats(lambda: ok(signed_in.get("/")), runs)
    return out


def _papers(page: str) -> list[str]:
    return re.findall(r'href="/abs/([^"]+)"', page)


def parse_wrk(out: str) -> dict[str, Any]:
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def latency(q: str) -> float | None:
        found = re.search(rf"\s{q}%\s+([\d.]+)(us|ms|s)", out)
        return float(found.group(1)) * scale[found.group(2)] if found else None

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests_per_s": float(rps.group(1)) if rps else 0.0,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "none",
    }


def wrk_both(url: str, processes: int, seconds: int, cookie: str, reader_id: int) -> dict[str, Any]:
    """``wrk`` on ``/`` signed in with the session cookie, then signed out, against ``processes`` servers at
    once; then signed in again against servers whose personal page cache is off (every page rendered), with
    the network's precomputed ranking and without it (the old path)."""
    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed (make wrk)"}
    result: dict[str, Any] = {"processes": processes}
    with servers(url, processes, [], cookie) as ports:
        result["signed_in"] = wrk_at(ports, seconds, ["-H", f"Cookie: {SESSION_COOKIE}={cookie}"])
        result["signed_out"] = wrk_at(ports, seconds, [])
    with servers(url, processes, ["--no-personal-cache"], cookie) as ports:
        result["signed_in_no_personal_cache"] = wrk_at(ports, seconds, ["-H", f"Cookie: {SESSION_COOKIE}={cookie}"])
        make_network_ranking(url, reader_id, False)
        result["signed_in_old_path"] = wrk_at(ports, seconds, ["-H", f"Cookie: {SESSION_COOKIE}={cookie}"])
        make_network_ranking(url, reader_id, True)
    for name in ("signed_in", "signed_out", "signed_in_no_personal_cache", "signed_in_old_path"):
        print(name, {k: v for k, v in result[name].items() if k != "per_process"}, flush=True)
    return result


@contextmanager
def servers(url: str, processes: int, flags: list[str], cookie: str) -> Iterator[list[int]]:
    """``processes`` web servers (bench.web_server, its own port each) on one database, up and warm."""
    env = {**os.environ, "PAPERTALK_DATABASE_URL": url, "PAPERTALK_FIXED_NOW": str(NOW)}
    ports = [free_port() for _ in range(processes)]
    command = [sys.executable, "-m", "bench.web_server", *flags, "--port"]
    started = [subprocess.Popen([*command, str(p)], env=env, stdout=subprocess.DEVNULL) for p in ports]
    try:
        for port in ports:
            wait_up(f"http://127.0.0.1:{port}/", cookie)
        yield ports
    finally:
        for server in started:
            server.terminate()
        for server in started:
            server.wait(10)


def wrk_at(ports: list[int], seconds: int, headers: list[str]) -> dict[str, Any]:
    """One wrk per server, all at once (16 connections in all); requests/s summed, the worst latencies."""
    threads = "1" if len(ports) > 1 else "2"
    load = ["wrk", f"-t{threads}", f"-c{16 // len(ports)}", f"-d{seconds}s", "--latency", *headers]
    runs = [subprocess.Popen([*load, f"http://127.0.0.1:{port}/"], stdout=subprocess.PIPE, text=True) for port in ports]
    parts = [parse_wrk(r.communicate()[0]) for r in runs]
    return {
        "requests_per_s": round(sum(p["requests_per_s"] for p in parts), 1),
        "p50_ms": max(p["p50_ms"] or 0 for p in parts),
        "p99_ms": max(p["p99_ms"] or 0 for p in parts),
        "non_2xx": sum(p["non_2xx"] for p in parts),
        "socket_errors": [p["socket_errors"] for p in parts],
        "per_process": parts,
    }


def wait_up(base: str, cookie: str) -> None:
    """Until the server answers both pages once (and so has rendered them once)."""
    for _ in range(600):
        try:
            mine = httpx.get(base, cookies={SESSION_COOKIE: cookie}, timeout=60)
            if mine.status_code == 200 and httpx.get(base, timeout=60).status_code == 200:
                assert "My network" in mine.text, "the session did not sign the reader in"
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"{base} did not come up")


def run_backend(
    name: str, url: str, args: argparse.Namespace, processes: int, cookie: str, reader_id: int
) -> dict[str, Any]:
    result: dict[str, Any] = {"load_before": os.getloadavg()}
    engine = make_engine(url)
    upgrade(engine)  # a cached copy made by an older checkout gets this one's tables
    engine.dispose()
    result["network_ranking_made_s"] = make_network_ranking(url, reader_id, True)
    print(name, "network ranking made in", result["network_ranking_made_s"], "s", flush=True)
    if args.wrk_only:
        result["wrk"] = wrk_both(url, processes, args.wrk_seconds, cookie, reader_id)
        result["load_after"] = os.getloadavg()
        return result
    result["render_cache_off"] = render_in_process(url, cookie, args.runs, 0, reader_id)
    print(name, "render, caches off", result["render_cache_off"], flush=True)
    result["render_cache_on"] = render_in_process(url, cookie, args.runs, 15, reader_id)
    print(name, "render, caches on", result["render_cache_on"], flush=True)
    result["wrk"] = wrk_both(url, processes, args.wrk_seconds, cookie, reader_id)
    result["load_after"] = os.getloadavg()
    return result


def ok(response: httpx.Response) -> None:
    assert response.status_code == 200, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1M papers, ~10M mentions")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--network", type=int, default=2000, help="accounts in the reader's network")
    parser.add_argument("--postgres", default=os.environ.get("PAPERTALK_BENCH_POSTGRES_URL"), help="PostgreSQL URL")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL (its copy is still made from SQLite)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--wrk-seconds", type=int, default=15)
    parser.add_argument("--wrk-only", action="store_true", help="only the wrk runs (not the in-process ones)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--results", type=Path, default=None)
    args = parser.parse_args()
    report: dict[str, Any] = {"scale": args.scale, "users": args.users, "network": args.network}
    path, built = web_database(args.data, args.scale)
    if built is not None:
        report["web_build_s"] = built
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    seconds, people = timed(lambda: add_people(engine, args.users, args.network))
    engine.dispose()
    report["people"] = {**people, "seconds": round(seconds, 1)}
    cookie = session_token(people["reader_id"])
    print("people:", report["people"], flush=True)
    if not args.no_sqlite:
        report["sqlite"] = run_backend("sqlite", url, args, 1, cookie, people["reader_id"])
    if args.postgres:
        shape = f"{args.users} users, reader network {args.network}"
        if not postgres_ready(args.postgres, shape):
            seconds, _ = timed(lambda: copy_to_postgres(path, args.postgres))
            report["postgres_copy_s"] = round(seconds, 1)
            print(f"copied to postgres in {seconds:.0f}s", flush=True)
        report["postgres"] = run_backend("postgres", args.postgres, args, 2, cookie, people["reader_id"])
    print(f"results: {save(f'people-web-{args.scale:g}', report, args.results)}")


if __name__ == "__main__":
    main()
