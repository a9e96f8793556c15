"""Freezing finished digests (run by the worker every few minutes, and by ``papertalk digest freeze``):
for everyone and each public network, in UTC and in every timezone a person chose, and for each person's
own digest, the last finished day, ISO week and month are stored as they are when first frozen. Network
digests seen through a reader's own blocks are not frozen: they are computed on every read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from papertalk.core.ranking import RankingSettings
from papertalk.services.digests.digest_dates import Period, day_period, month_of, today_in, week_of
from papertalk.services.digests.digest_streams import UTC, Stream, own_stream, stream_for
from papertalk.services.digests.digest_view import freeze
from papertalk.services.pages.network_choice import public_networks
from papertalk.storage.digests.reader_zones import chosen_timezones, live_people
from papertalk.storage.engine import Engine


def streams_to_freeze(engine: Engine) -> list[Stream]:
    with engine.connect() as conn:
        zones = sorted({UTC, *chosen_timezones(conn)})
        networks = public_networks(conn)
        people = live_people(conn)
    shared = [stream_for(engine, None, None, name, zone) for zone in zones for name in (None, *networks)]
    return shared + [own_stream(engine, person) for person in people]


def last_finished(stream: Stream, now: int, day: Period | None = None) -> list[Period]:
    """The periods to freeze: ``day`` when given, else yesterday, last week and last month (in the stream's
    timezone)."""
    if day is not None:
        return [day]
    today = today_in(stream.zone(), now)
    return [
        day_period(today - timedelta(days=1)),
        week_of(today - timedelta(days=7)),
        month_of(today.replace(day=1) - timedelta(days=1)),
    ]


def freeze_finished(
    engine: Engine,
    ranking: RankingSettings,
    now: int,
    period: Period | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Freeze every stream's last finished periods (or ``period``) not frozen yet; how many were stored.
    Stops between streams once ``should_stop`` says so (the next round does the rest)."""
    streams = streams_to_freeze(engine)
    stored = 0
    for done, stream in enumerate(streams, start=1):
        if should_stop():
            break
        for chosen in last_finished(stream, now, period):
            stored += freeze(engine, ranking, now, chosen, stream)
        if on_progress is not None:
            on_progress(done, len(streams))
    return stored
