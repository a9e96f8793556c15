"""Realistic synthetic lines in the arXiv metadata-snapshot format, for the catalogue benchmark and tests.

Deterministic from a seed, lazy (constant memory), and fast (~60,000 lines/s); the word lists and
templates live in ``snapshot_vocabulary``. Parsed by ``arxiv.snapshot.parse_snapshot_line``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import date

import orjson

from papertalk.demo import snapshot_vocabulary as vocab

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY = 86400

# --- synthetic lines ------------------------------------------------------------------------------------

_NEW_FIRST_MONTH = 2015 * 12  # new-style ids from 1501 on, YYMM.NNNNN


def generate_snapshot_lines(seed: int, count: int) -> Iterator[bytes]:
    """``count`` realistic snapshot lines (no newline), the same for the same seed, in constant memory.

    Unique ids: new-style ones numbered in order through the months from 1501 on, about 2% old-style
    ones (``hep-th/9901001``) in between. Abstracts of about 1,000 characters drawn from 4,096 runs of three
    sentences plus a topic of the paper's own, 1-15 authors, 1-4 versions, optional DOI, journal, comments.
    """
    rng = random.Random(seed)
    rand = rng.random
    runs, titles = vocab.text_pools()
    n_runs, n_titles = len(runs), len(titles)
    nouns, adjectives, first_names, surnames = vocab.NOUNS, vocab.ADJECTIVES, vocab.FIRST_NAMES, vocab.SURNAMES
    per_month = min(99_999, max(1, -(-count // 132)))  # ~11 years of months, fewer papers when count is small
    new_count = old_count = 0
    for _ in range(count):
        if rand() < 0.02 and old_count < len(vocab.OLD_MONTHS) * 999:
            year, month = vocab.OLD_MONTHS[old_count // 999]
            archive, primary = vocab.OLD_ARCHIVES[int(rand() * len(vocab.OLD_ARCHIVES))]
            arxiv_id = f"{archive}/{year % 100:02d}{month:02d}{old_count % 999 + 1:03d}"
            categories = [primary]
            old_count += 1
        else:
            year, month = divmod(_NEW_FIRST_MONTH + new_count // per_month, 12)
            month += 1
            arxiv_id = f"{year % 100:02d}{month:02d}.{new_count % per_month + 1:05d}"
            primary, cross = vocab.PRIMARIES[int(rand() * len(vocab.PRIMARIES))]
            categories = [primary, *(c for c in cross if rand() < 0.3)]
            new_count += 1
        at = (date(year, month, 1).toordinal() - _EPOCH_ORDINAL) * _DAY + int(rand() * 27 * _DAY)
        versions = []
        for v in range(1, vocab.VERSION_COUNTS[int(rand() * len(vocab.VERSION_COUNTS))] + 1):
            versions.append({"version": f"v{v}", "created": vocab.rfc2822_text(at)})
            at += 3600 + int(rand() * rand() * 200 * _DAY)
        updated = time.gmtime(at)
        topic = f"{adjectives[int(rand() * len(adjectives))]} {nouns[int(rand() * len(nouns))]}"
        title = titles[int(rand() * n_titles)].replace("§", topic)
        title = title[0].upper() + title[1:]
        if len(title) > 70:
            cut = title.find(" ", 60)
            title = title if cut < 0 else f"{title[:cut]}\n  {title[cut + 1 :]}"
        parts, size, target = [], 0, 660 + int(rand() * 300)
        while size < target:
            run = runs[int(rand() * n_runs)]
            parts.append(run)
            size += len(run) + 1
        abstract = "  " + " ".join(parts).replace("§", topic) + "\n"
        parsed, names = [], []
        for _ in range(vocab.AUTHOR_COUNTS[int(rand() * len(vocab.AUTHOR_COUNTS))]):
            first, r = first_names[int(rand() * len(first_names))], rand()
            initials = f"{first[0]}." if r < 0.85 else f"{first[0]}. {chr(65 + int(r * 1e4) % 26)}."
            forenames = first if r < 0.5 else initials
            entry = [surnames[int(rand() * len(surnames))], forenames, ""]
            r = rand()
            if r < 0.02:
                entry[2] = vocab.SUFFIXES[int(r * 250)]
            elif r > 0.95:
                entry.append(vocab.AFFILIATIONS[int((r - 0.95) * 240)])
            parsed.append(entry)
            names.append(f"{forenames} {entry[0]} {entry[2]}".rstrip())
        r = rand()
        journal, code = vocab.JOURNALS[int(r * 1e3) % len(vocab.JOURNALS)]
        doi = f"10.{1000 + int(r * 1e4) % 9000}/{code}.{year}.{int(r * 1e7) % 100000:05d}" if r < 0.3 else None
        if doi is not None and r < 0.01:
            doi = f"{doi} 10.5281/zenodo.{int(r * 1e9) % 10_000_000}"
        comments = vocab.COMMENTS[int(r * 1e5) % len(vocab.COMMENTS)] if rand() < 0.6 else None
        record = {
            "id": arxiv_id,
            "submitter": names[0],
            "authors": names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}",
            "title": title,
            "comments": None if comments is None else comments.format(p=5 + int(r * 60), f=int(r * 17), t=3, v=2),
            "journal-ref": f"{journal} {int(r * 1e3)} ({year + 1}) {int(r * 1e6) % 9999}" if r < 0.25 else None,
            "doi": doi,
            "report-no": f"CERN-TH-{year}-{int(r * 1e4) % 999:03d}" if r > 0.97 else None,
            "categories": " ".join(categories),
            "license": vocab.LICENSES[int(rand() * len(vocab.LICENSES))],
            "abstract": abstract,
            "versions": versions,
            "update_date": f"{updated.tm_year:04d}-{updated.tm_mon:02d}-{updated.tm_mday:02d}",
            "authors_parsed": parsed,
        }
        yield orjson.dumps(record)
