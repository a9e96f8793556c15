"""The curated digests a reader sees above a day's computed digest, and a stream's published ones for its
feed. A stream's own: everyone's digest shows the admins' one; a network's digest its editors' one; a
person's own digest their own, their shared networks' and everyone's (so the email, made from it, carries
them to the members). A draft, or one whose publication time has not come, is shown only to those who
may compose it (curated_rights), on every surface."""

from __future__ import annotations

from dataclasses import replace

from papertalk.core.curated_records import EVERYONE, NETWORK, PERSON, CuratedDigest, CuratedKey, CuratedPick
from papertalk.core.network_records import SHARED
from papertalk.core.people_records import User
from papertalk.services.digests.curated_rights import OWN, key_for, may_compose
from papertalk.services.digests.digest_dates import Period
from papertalk.services.digests.digest_streams import Stream
from papertalk.services.people.permissions import NotAllowed
from papertalk.storage.catalogue.paper_rows import papers_by_arxiv_id
from papertalk.storage.engine import Connection, Engine
from papertalk.storage.library import curated_rows
from papertalk.storage.networks.visible_networks import networks_of

FEED_ENTRIES = 20


def with_papers(conn: Connection, digests: list[CuratedDigest]) -> list[CuratedDigest]:
    """``digests`` with their picked papers' titles, authors and abstracts from the catalogue."""
    papers = papers_by_arxiv_id(conn, [p.item.arxiv_id for c in digests for p in c.picks if p.item.arxiv_id])
    return [
        replace(c, picks=tuple(CuratedPick(p.item, papers.get(p.item.arxiv_id or "")) for p in c.picks))
        for c in digests
    ]


def keys_of(conn: Connection, stream: Stream) -> list[CuratedKey]:
    if stream.owner_id is not None:
        shared = [n.id for n in networks_of(conn, stream.owner_id) if n.kind == SHARED and n.role is not None]
        return [CuratedKey(PERSON, stream.owner_id), *(CuratedKey(NETWORK, n) for n in shared), CuratedKey(EVERYONE, 0)]
    if stream.network_row is not None:
        return [CuratedKey(NETWORK, stream.network_row)]
    return [CuratedKey(EVERYONE, 0)]


def curated_for(
    engine: Engine, stream: Stream, period: Period, now: int, reader: User | None
) -> tuple[CuratedDigest, ...]:
    """The curated digests of a day for ``stream`` that ``reader`` may see (a week or a month has none)."""
    if period.kind != "day":
        return ()
    with engine.connect() as conn:
        found = with_papers(conn, curated_rows.curated_of_day(conn, keys_of(conn, stream), period.name))
        order = {key: n for n, key in enumerate(keys_of(conn, stream))}
        shown = [c for c in found if c.published(now) or may_compose(conn, reader, c.key)]
    return tuple(sorted(shown, key=lambda c: order.get(c.key, 0)))


def published_feed(engine: Engine, key: CuratedKey, now: int) -> list[CuratedDigest]:
    """A stream's published curated digests, newest day first (its Atom feed)."""
    with engine.connect() as conn:
        return with_papers(conn, curated_rows.published_of(conn, key, now, FEED_ENTRIES))


def editable_ids(engine: Engine, reader: User | None, digests: tuple[CuratedDigest, ...]) -> set[int]:
    """The ids of those of ``digests`` that ``reader`` may change (their pages link the compose form)."""
    if reader is None or not digests:
        return set()
    with engine.connect() as conn:
        return {c.id for c in digests if may_compose(conn, reader, c.key)}


def composable_stream(engine: Engine, reader: User | None, stream: Stream) -> str | None:
    """How the compose form names ``stream`` (``own``, a network's name, ``everyone``) when ``reader`` may
    compose its curated digest; None otherwise (the page offers no Compose link)."""
    if reader is None:
        return None
    named = OWN if stream.owner_id is not None else stream.network or EVERYONE
    with engine.connect() as conn:
        try:
            key_for(conn, reader, named)
        except NotAllowed:
            return None
    return named
