"""bench/digest_send: 10,000 digest emails composed from frozen digests and handed to a local SMTP server
(aiosmtpd on 127.0.0.1, in this process's thread) through the outbox, over bench/web's database (1M papers,
10M mentions at scale 1) with bench/digests' 10,000 people. Run on your own copy of the database (it adds
people, subscriptions, snapshots and outbox rows).

Side by side in one run:

- ``send_due`` (queue, claim, compose from the frozen digest, sending/sent commits, one SMTP connection);
- the baseline: the same composition with one SMTP connection per message and no outbox, for a sample.

Frozen digests: the worker's freezer stores each person's day after midnight; here one person's frozen
day is copied to every person's stream key (the composition reads it the same way), so the bench measures
sending, not 10,000 freezes (bench/digests measures a freeze: ``digest_build_and_freeze_person``).

    python -m bench.digest_send [--scale 1.0] [--baseline 300]
"""

from __future__ import annotations

import argparse
import os
import resource
import smtplib
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.digests import add_people
from bench.measure import save
from bench.trending import DATA, NOW
from papertalk.config import Settings
from papertalk.core.people_records import User
from papertalk.services.digests.digest_dates import day_period
from papertalk.services.digests.digest_streams import own_stream
from papertalk.services.digests.digest_view import digest, freeze
from papertalk.services.mail.digest_message import Addressing, digest_message
from papertalk.services.mail.mail_tokens import instance_secret, token_hash, unsubscribe_token
from papertalk.services.mail.outbox_sending import MailJob, send_due
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.engine import make_engine
from papertalk.storage.schema import upgrade
from tests.fake_smtp import SmtpHandler, smtp_server


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--baseline", type=int, default=300, help="messages sent the naive way (a sample)")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    path = args.data / f"web-{args.scale:g}.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    people = int(10_000 * args.scale)
    report: dict[str, Any] = {"scale": args.scale, "people": people, "load": os.getloadavg()}
    start = time.perf_counter()
    add_people(path, people)
    report["people_build_s"] = round(time.perf_counter() - start, 1)
    yesterday = day_period(datetime.fromtimestamp(NOW, UTC).date() - timedelta(days=1))
    with engine.connect() as conn:
        rows = for_connection(conn).all(conn, "SELECT id, name, email FROM users WHERE name LIKE 'bench%' ORDER BY id")
    users = [User(int(i), str(n), str(e), False, False, NOW) for i, n, e in rows][:people]
    settings = Settings.from_env({"PAPERTALK_DATABASE_URL": url})
    first = own_stream(engine, users[0])
    freeze(engine, settings.ranking, NOW, yesterday, first)
    secret = instance_secret(engine)
    at = NOW - 2 * 86_400
    with engine.begin() as conn:
        sql = for_connection(conn)
        for name in ("mail_outbox", "mail_subscriptions"):
            sql.execute(conn, f"DELETE FROM {name}")
        entries = sql.all(conn, "SELECT entries FROM digest_snapshots WHERE stream_key = ? AND period = ?",
                          (first.key, yesterday.name))[0][0]  # fmt: skip
        keys = [own_stream(engine, u).key for u in users]
        sql.many(
            conn,
            "INSERT INTO digest_snapshots (stream_key, period, made_at, entries) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (stream_key, period) DO NOTHING",
            [(k, yesterday.name, NOW, entries) for k in keys],
        )
        sql.many(conn, "INSERT INTO mail_subscriptions (user_id, cadence, hour, state, unsubscribe_hash, created_at, "
                       "confirmed_at) VALUES (?, 'daily', 0, 'active', ?, ?, ?)",
                 [(u.id, token_hash(unsubscribe_token(secret, u.id, at)), at, at) for u in users])  # fmt: skip
    report["rss_before_mb"] = round(rss_mb(), 1)
    with smtp_server(SmtpHandler()) as server:
        env = {"PAPERTALK_DATABASE_URL": url, **server.env(PAPERTALK_SMTP_TIMEOUT=30)}
        mail = Settings.from_env(env)
        job = MailJob(mail.mail, "https://papertalk.example", mail.ranking)
        marks: list[tuple[int, float]] = []

        def progress(done: int, total: int) -> None:
            if done % 2000 == 0:
                marks.append((done, round(rss_mb(), 1)))

        start = time.perf_counter()
        summary = send_due(engine, job, lambda: float(NOW + 3600), progress)
        seconds = time.perf_counter() - start
        received = len(server.handler.received)
        report["outbox_send"] = {"sent": summary.sent, "received": received, "seconds": round(seconds, 1),
                                 "per_second": round(summary.sent / seconds, 1), "rss_mb_at": marks}  # fmt: skip
        base = "https://papertalk.example"
        sample = users[: args.baseline]
        start = time.perf_counter()
        for u in sample:
            found = digest(engine, mail.ranking, NOW + 3600, yesterday, own_stream(engine, u))
            to = Addressing(mail.mail.sender, u.name, u.email, base, f"{base}/mail/unsubscribe/x", f"{base}/settings")
            message = digest_message(found, to, NOW + 3600)
            with smtplib.SMTP("127.0.0.1", server.port, timeout=30) as smtp:
                smtp.send_message(message, mail.mail.sender, [u.email])
        base_seconds = time.perf_counter() - start
        report["baseline_connection_per_message"] = {"sent": len(sample), "seconds": round(base_seconds, 1),
                                                     "per_second": round(len(sample) / base_seconds, 1)}  # fmt: skip
    report["peak_rss_mb"] = round(rss_mb(), 1)
    report["load_after"] = os.getloadavg()
    print(report, flush=True)
    print(f"results: {save(f'digest-send-{args.scale:g}', report)}")


if __name__ == "__main__":
    main()
