"""The translations a page shows under the originals: stored ones only (a page never calls a translator),
for the reader's language when it is not English, and only when made from the paper's current text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from papertalk.core.people_records import User
from papertalk.core.records import Paper
from papertalk.services.digests.translating import SOURCE_LANGUAGE, source_hash
from papertalk.services.people.person_settings import settings_of
from papertalk.storage.digests.translation_rows import done_translations
from papertalk.storage.engine import Engine


@dataclass(frozen=True, slots=True)
class ShownTranslation:
    language: str
    title: str | None
    abstract: str | None


def reader_language(engine: Engine, reader: User | None) -> str | None:
    """The language a reader reads translations in; None when signed out or reading English."""
    language = settings_of(engine, reader).language if reader is not None else SOURCE_LANGUAGE
    return None if language.lower() in ("", SOURCE_LANGUAGE) else language


def translations_of(engine: Engine, papers: Sequence[Paper], language: str | None) -> dict[str, ShownTranslation]:
    """By arXiv id, the stored translations into ``language`` of ``papers`` as they read now."""
    if language is None or not papers:
        return {}
    with engine.connect() as conn:
        stored = done_translations(conn, [p.arxiv_id for p in papers], language)
    return {
        p.arxiv_id: ShownTranslation(language, t.title, t.abstract)
        for p in papers
        if (t := stored.get(p.arxiv_id)) is not None and t.source_hash == source_hash(p)
    }


def translation_data(shown: ShownTranslation | None) -> dict[str, Any] | None:
    """One translation as the JSON twins give it."""
    if shown is None:
        return None
    return {"language": shown.language, "title": shown.title, "abstract": shown.abstract}
