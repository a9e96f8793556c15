"""BibTeX for an arXiv paper (pure): an @misc entry with eprint fields, as arXiv itself suggests; titles,
authors and journal references keep their TeX (see ``tex_escape``)."""

from __future__ import annotations

import re
import time
import unicodedata

from papertalk.core.records import Paper
from papertalk.core.tex_escape import bibtex_value


def _key(paper: Paper) -> str:
    first = paper.authors[0].split()[-1] if paper.authors else "arxiv"
    ascii_name = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode()
    year = time.gmtime(paper.published_at).tm_year if paper.published_at else ""
    word = next((w for w in re.findall(r"[A-Za-z]{4,}", paper.title or "")), "")
    return re.sub(r"[^A-Za-z0-9]", "", f"{ascii_name.lower()}{year}{word.lower()}") or "arxiv"


def bibtex(paper: Paper) -> str:
    """An @misc entry; fields that are unknown are left out."""
    fields: list[tuple[str, str]] = []
    if paper.title:
        fields.append(("title", "{" + bibtex_value(paper.title) + "}"))
    if paper.authors:
        fields.append(("author", " and ".join(bibtex_value(a) for a in paper.authors)))
    if paper.published_at:
        fields.append(("year", str(time.gmtime(paper.published_at).tm_year)))
    fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv")]
    if paper.primary_category:
        fields.append(("primaryClass", paper.primary_category))
    if paper.doi:
        fields.append(("doi", paper.doi))
    if paper.journal_ref:
        fields.append(("journal", bibtex_value(paper.journal_ref)))
    fields.append(("url", f"https://arxiv.org/abs/{paper.arxiv_id}"))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{_key(paper)},\n{body}\n}}\n"
