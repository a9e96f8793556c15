"""Translating digest papers (the worker every few minutes, ``papertalk translate`` by hand): the titles
and abstracts of a day's digests (everyone's and each public network's in UTC, and the own digests of the
people who chose the language) into each language readers chose, once per paper, language and version of
the English text.

Politely: the translator spaces its requests and retries each with backoff (``translators``); here a paper
that still fails is asked again after 10 minutes, then 40, and after ``TRIES`` failed rounds it is marked
failed and left for a day. A round ends early when the translator failed ``DOWN_AFTER`` papers in a row
(it is down: the rest wait for the next round). Formulas and arXiv ids travel as placeholders; an answer
that lost, altered or repeated one is refused and counts as a failure: it is never stored. Pages only read
what is stored here: no page ever waits for a translator."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from papertalk.core.ranking import RankingSettings
from papertalk.core.records import Paper
from papertalk.core.translation_marks import MarkError, protect, restore
from papertalk.services.digests.digest_dates import day_period, today_in
from papertalk.services.digests.digest_streams import UTC, own_stream, stream_for
from papertalk.services.digests.digest_view import digest
from papertalk.services.pages.network_choice import public_networks
from papertalk.storage.digests.reader_zones import live_people
from papertalk.storage.digests.translation_rows import (
    TranslationOutcome,
    TranslationState,
    reader_languages,
    readers_of,
    store_translation,
    translation_states,
)
from papertalk.storage.engine import Engine
from papertalk.translators.translator import TranslationError, Translator

SOURCE_LANGUAGE = "en"
RETRY_FIRST_SECONDS = 600
TRIES = 3  # failed rounds before a paper is marked failed
FAILED_WAIT_SECONDS = 86_400
DOWN_AFTER = 3


@dataclass
class TranslationSummary:
    language: str
    papers: int = 0
    translated: int = 0
    already: int = 0  # translated before, from the same text
    waiting: int = 0  # failed before, not due again yet
    failed: int = 0  # this round (tried again later)
    rejected: int = 0  # of which: answers that broke a placeholder
    errors: list[str] = field(default_factory=list)
    stopped_early: bool = False


def source_hash(paper: Paper) -> str:
    """Which English text a translation was made from: new metadata makes it stale."""
    return hashlib.sha256(f"{paper.title or ''}\x00{paper.abstract or ''}".encode()).hexdigest()


def digest_papers(engine: Engine, ranking: RankingSettings, now: int, day: date, language: str) -> list[Paper]:
    """The papers with metadata in ``day``'s digests read in ``language``, each once, in digest order."""
    with engine.connect() as conn:
        networks = public_networks(conn)
        readers = readers_of(conn, language)
        people = [p for p in live_people(conn) if p.id in readers]
    streams = [stream_for(engine, None, None, name, UTC) for name in (None, *networks)]
    streams += [own_stream(engine, person) for person in people]
    found: dict[str, Paper] = {}
    for stream in streams:
        for item in digest(engine, ranking, now, day_period(day), stream).items:
            if item.paper is not None and (item.paper.title or item.paper.abstract):
                found.setdefault(item.arxiv_id, item.paper)
    return list(found.values())


def translate_recent(
    engine: Engine, ranking: RankingSettings, translator: Translator, now: int, should_stop: Callable[[], bool]
) -> list[TranslationSummary]:
    """The worker's round: yesterday's and today's digest papers (UTC) into every language readers chose."""
    with engine.connect() as conn:
        languages = reader_languages(conn)
    today = today_in(ZoneInfo(UTC), now)
    summaries = []
    for language in languages:
        days = (today - timedelta(days=1), today)
        unique = list({p.arxiv_id: p for d in days for p in digest_papers(engine, ranking, now, d, language)}.values())
        summaries.append(translate_papers(engine, translator, language, unique, now, should_stop=should_stop))
    return summaries


def translate_papers(
    engine: Engine,
    translator: Translator,
    language: str,
    papers: list[Paper],
    now: int,
    on_progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> TranslationSummary:
    """Translate those of ``papers`` not translated from their current text and due; each outcome is
    stored as it comes (a crash loses at most the paper in hand)."""
    summary = TranslationSummary(language, len(papers))
    with engine.connect() as conn:
        states = translation_states(conn, [p.arxiv_id for p in papers], language)
    in_a_row = 0
    for done, paper in enumerate(papers, start=1):
        if should_stop() or in_a_row >= DOWN_AFTER:
            summary.stopped_early = True
            break
        state = states.get(paper.arxiv_id)
        if state is not None:
            outcome = _turn(translator, language, paper, state, now, summary)
            if outcome is not None:
                in_a_row = in_a_row + 1 if outcome.state != "done" else 0
                with engine.begin() as conn:
                    store_translation(conn, outcome)
        if on_progress is not None:
            on_progress(done, len(papers))
    return summary


def _turn(
    translator: Translator, language: str, paper: Paper, state: TranslationState, now: int, summary: TranslationSummary
) -> TranslationOutcome | None:
    """What translating ``paper`` now gives (None: nothing to do)."""
    wanted = source_hash(paper)
    same_text = state.source_hash == wanted
    if same_text and state.state == "done":
        summary.already += 1
        return None
    if same_text and state.next_try_at is not None and state.next_try_at > now:
        summary.waiting += 1
        return None
    try:
        title = _translated(translator, paper.title, language)
        abstract = _translated(translator, paper.abstract, language)
    except (TranslationError, MarkError) as exc:
        summary.failed += 1
        summary.rejected += isinstance(exc, MarkError)
        what = f"arXiv:{paper.arxiv_id} ({language}): {translator.name}: {exc}" if isinstance(exc, MarkError) else (
            f"arXiv:{paper.arxiv_id} ({language}): {exc}")  # fmt: skip
        summary.errors.append(what)
        attempts = (state.attempts if same_text and state.state == "retry" else 0) + 1
        gave_up = attempts >= TRIES
        wait = FAILED_WAIT_SECONDS if gave_up else RETRY_FIRST_SECONDS * 4 ** (attempts - 1)
        return TranslationOutcome(state.paper_id, language, wanted, "failed" if gave_up else "retry", translator.name,
                                  now, attempts=attempts, next_try_at=now + wait, error=what)  # fmt: skip
    summary.translated += 1
    return TranslationOutcome(state.paper_id, language, wanted, "done", translator.name, now, title, abstract)


def _translated(translator: Translator, text: str | None, language: str) -> str | None:
    if not text or not text.strip():
        return None
    protected = protect(" ".join(text.split()))
    return restore(protected, translator.translate(protected.text, SOURCE_LANGUAGE, language)).strip()
