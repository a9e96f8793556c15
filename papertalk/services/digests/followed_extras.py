"""THE PLUG-IN POINT for the parts of a person's digest other branches build: new items on the reading
lists they follow (branch ``lists``) and new public summaries on papers of their network (branch
``notes``). Not done here: until those branches merge, this returns nothing and the page shows no such
section. A curated digest (an editor's intro, picked papers and links) is a list with a date and plugs in
the same way, above the computed part."""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.storage.engine import Engine


@dataclass(frozen=True, slots=True)
class ExtraLink:
    title: str
    url: str  # a site path such as /lists/12, or an absolute URL of a picked article
    byline: str


@dataclass(frozen=True, slots=True)
class DigestExtras:
    followed_list_items: tuple[ExtraLink, ...] = ()
    new_public_summaries: tuple[ExtraLink, ...] = ()


def followed_lists_and_summaries(engine: Engine, user_id: int, start: int, end: int) -> DigestExtras:
    """What the lists ``user_id`` follows gained, and the public summaries written, in [start, end).
    Empty until the ``lists`` and ``notes`` branches plug their reads in here."""
    del engine, user_id, start, end  # read by the lists and notes rooms once they exist
    return DigestExtras()
