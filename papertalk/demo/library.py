"""The demo's library: summaries with math, tables and code on the week's top demo papers, votes, a short
discussion, a private note, and a public conference reading list with day and session sections, so a
newcomer sees the summaries, lists and For you pages filled in. Every text says it is DEMO text."""

from __future__ import annotations

from collections.abc import Sequence

from papertalk.config import Settings
from papertalk.demo.people import DEMO_PEOPLE
from papertalk.services.library import discussion, summaries
from papertalk.services.library.list_import import save_import
from papertalk.services.library.list_reading import set_follow
from papertalk.services.people.user_accounts import find_user
from papertalk.services.ranking.trending import TrendingQuery, trending
from papertalk.storage.engine import Engine

DEMO_LIST_TITLE = "DEMO conference notes: NeurIPS-style week"

_SUMMARY_WITH_MATH = """## What it does (DEMO summary)

The paper fits a linear map $W$ minimising $\\lVert Y - WX \\rVert_F^2$, whose closed form is

$$W^\\star = YX^T(XX^T)^{-1}$$

so the explained variance is $\\Sigma = YX^T(XX^T)^{-1}XY^T$.

| setting | baseline | this paper |
| --- | ---: | ---: |
| small data | 71.2 | **74.9** |
| full data | 80.4 | **81.0** |

```python
W = Y @ X.T @ np.linalg.inv(X @ X.T)
```

- [x] read the method section
- [ ] check the ablations[^1]

[^1]: The appendix has them; they are thin.
"""

_SUMMARY_SHORT = """**DEMO summary.** A careful study: the gains hold across seeds, and the cost is one extra
forward pass, $O(n \\log n)$ instead of $O(n^2)$. Worth reading for section 3 alone."""

_NOTE = "DEMO private note: compare with the paper the reading group discussed last week."


def _notes_page(talks: Sequence[tuple[str, str]]) -> str:
    """A conference write-up in the seed's layout: days, then sessions; each talk's title with its
    ``[paper]`` link, and a verdict under it (``talks``: arXiv id and title of the papers)."""
    line = [f"{title} [paper](https://arxiv.org/abs/{arxiv_id})" for arxiv_id, title in talks]
    return f"""# {DEMO_LIST_TITLE}

DEMO list: the talks worth remembering from a made-up conference week.

## Tuesday

### Main talks

- {line[0]} [summary](https://example.org/demo-summary)
  Interesting but a complex procedure that did not seem worth the payoff.
- {line[1]}
  Clean idea, strong baselines.

### Posters

- {line[2]}
  The poster everyone crowded around.

## Thursday

### Symposia

- {line[3]}
  Read the appendix first.
- A talk with no paper [slide deck](https://example.org/demo-slides.pdf)
  Slides only; the speaker promised a preprint.
"""


def _title(title: str | None, arxiv_id: str) -> str:
    """A title on one line (catalogue titles may hold line breaks), or the id when there is none."""
    return " ".join(title.split()) if title else f"arXiv:{arxiv_id}"


def add_demo_library(engine: Engine, settings: Settings, now: int) -> None:
    """Write the demo people's summaries, votes, comments, note and list on this week's top papers."""
    ranked = trending(engine, settings, now, TrendingQuery(window="week", limit=6)).items
    top = [item.arxiv_id for item in ranked]
    if len(top) < 4:
        return  # a tiny demo world: nothing trends enough to write about
    with engine.connect() as conn:
        ada, grace, alan = (find_user(conn, name) for name, _admin in DEMO_PEOPLE)
    written = [
        summaries.save_summary(
            engine, settings, who, arxiv_id, summaries.draft_of(title, text, "public", anonymous), now
        )
        for who, arxiv_id, title, text, anonymous in (
            (ada, top[0], "DEMO: the closed form, and why it matters", _SUMMARY_WITH_MATH, False),
            (grace, top[1], "DEMO: cheaper than it looks", _SUMMARY_SHORT, False),
            (alan, top[0], "DEMO: a second opinion", _SUMMARY_SHORT, True),
        )
    ]
    first, second = written[0], written[1]
    summaries.save_note(engine, ada, top[2], summaries.draft_of("", _NOTE, "private", False, "note"), now)
    discussion.vote(engine, grace, first.id, "up", now)
    discussion.vote(engine, alan, first.id, "up", now)
    discussion.vote(engine, ada, second.id, "up", now)
    question = discussion.add_comment(
        engine, settings.library, grace, first.id, "DEMO comment: does $W^\\star$ need $XX^T$ invertible?", None, now
    )
    discussion.add_comment(
        engine, settings.library, ada, first.id, "DEMO reply: yes; the paper adds a small ridge term.", question.id, now
    )
    talks = [(item.arxiv_id, _title(item.paper.title if item.paper else None, item.arxiv_id)) for item in ranked]
    list_id, _problems = save_import(engine, settings, ada, _notes_page(talks), {}, "public", now)
    set_follow(engine, grace, list_id, True, now)
