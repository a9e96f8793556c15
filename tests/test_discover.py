"""Discover on both backends: similar papers (topic, authors, categories, reasons, bounds, term
statistics), papers discussed by the same people (window, one vote per account, kind weights, blocked
accounts), and the ``papertalk similar`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.config import Settings
from papertalk.core.records import Paper
from papertalk.services.capture.accounts import block_accounts
from papertalk.services.discover.co_discussed import discussed_by_same_people
from papertalk.services.discover.similar import UnknownPaper, similar_papers
from papertalk.services.discover.term_stats import current_term_stats, refresh_term_stats
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.discover.term_docs import SampleState, replace_counts
from papertalk.storage.engine import Engine
from tests.helpers import NOW, post, run_import, table, write_lines

FILLER = "We study this problem and report results on standard benchmarks with a new method."
TOPICS = {
    "protein": ("protein folding", "residues", "conformations", "q-bio.BM"),
    "galaxy": ("galaxy clusters", "redshift", "lensing", "astro-ph.CO"),
    "graph": ("graph neural networks", "message passing", "node embeddings", "cs.LG"),
}


def topic_papers() -> list[Paper]:
    """Four papers per topic, each naming its topic's words; authors differ within a topic but one."""
    papers = []
    for t, (topic, (phrase, word1, word2, category)) in enumerate(TOPICS.items()):
        for i in range(4):
            papers.append(
                Paper(
                    f"2401.{t}{i + 1:04d}",
                    f"On {phrase}: part {i}",
                    (f"Ada Author{t}{i}", "Shared Writer" if (t, i) in ((0, 3), (1, 0)) else f"Bo Other{t}{i}"),
                    f"{FILLER} The {phrase} of {word1} and {word2} shows {topic}-specific {word1} {i}.",
                    (category,),
                    NOW - 86_400 * (10 + i),
                )
            )
    papers.append(Paper("2401.99999"))  # known by id only
    return papers


@pytest.fixture
def catalogue(engine: Engine) -> Engine:
    with engine.begin() as conn:
        upsert_papers(conn, topic_papers(), NOW)
    return engine


def test_similar_papers_are_those_of_the_same_topic_each_with_its_reason(catalogue: Engine) -> None:
    found = similar_papers(catalogue, "2401.00002")
    ids = [s.paper.arxiv_id for s in found]
    assert "2401.00002" not in ids and "2401.99999" not in ids  # never itself, never a paper without a title
    assert set(ids[:3]) == {"2401.00001", "2401.00003", "2401.00004"}
    first = found[0]
    assert first.reason.startswith("Shares ") and "q-bio.BM" in first.reason
    assert set(first.terms) & {"protein", "folding", "residues", "conformations"}
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)


def test_a_shared_author_pulls_a_paper_of_another_topic_in_and_says_so(catalogue: Engine) -> None:
    found = {s.paper.arxiv_id: s for s in similar_papers(catalogue, "2401.00004")}
    assert "2401.10001" in found  # a galaxy paper, by the same "Shared Writer"
    assert found["2401.10001"].authors == ("Shared Writer",)
    assert "author Shared Writer" in found["2401.10001"].reason
    protein = [s.score for i, s in found.items() if i.startswith("2401.0")]
    assert max(protein) > found["2401.10001"].score  # the topic still weighs more than one author


def test_untitled_and_unknown_papers(catalogue: Engine) -> None:
    assert similar_papers(catalogue, "2401.99999") == []
    with pytest.raises(UnknownPaper, match=r"arXiv:2409\.00001 is not in the catalogue"):
        similar_papers(catalogue, "2409.00001")


def test_term_statistics_are_taken_once_then_again_when_the_catalogue_doubles(catalogue: Engine) -> None:
    first = current_term_stats(catalogue)
    assert first.papers == 12
    counts = dict(table(catalogue, "SELECT term, docs FROM discover_term_docs"))
    assert counts["protein"] == 4 and counts["benchmarks"] == 12
    assert "conformations" in counts and counts["we"] == 12
    more = [Paper(f"2402.{i:05d}", f"Extra paper {i}", ("X Y",), "Quantum entanglement everywhere.") for i in range(20)]
    with catalogue.begin() as conn:
        upsert_papers(conn, more[:5], NOW)
    assert current_term_stats(catalogue) == first  # grown, but less than twice: kept
    with catalogue.begin() as conn:
        upsert_papers(conn, more[5:], NOW)
    again = current_term_stats(catalogue)
    assert again.papers == 32
    assert dict(table(catalogue, "SELECT term, docs FROM discover_term_docs"))["entanglement"] == 20
    assert refresh_term_stats(catalogue) == again  # taking them again from the same papers: the same


def test_a_process_keeps_its_copy_of_the_counts_until_another_takes_a_new_sample(catalogue: Engine) -> None:
    first = current_term_stats(catalogue)
    assert first.counts["protein"] == 4
    assert current_term_stats(catalogue).counts is first.counts  # read once, not per request
    with catalogue.begin() as conn:  # as another process taking the sample again would
        replace_counts(conn, {"protein": 9}, SampleState(first.papers, first.top_row, "another-sample"))
    again = current_term_stats(catalogue)
    assert dict(again.counts) == {"protein": 9}
    assert (again.papers, again.top_row) == (first.papers, first.top_row)


def test_similar_command_table_json_and_errors(catalogue: Engine, db_url: str) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["--database", db_url, "similar", "https://arxiv.org/abs/2401.20002v2"])
    assert shown.exit_code == 0, shown.output
    assert "2401.20001" in shown.output and "Shares" in shown.output
    as_json = runner.invoke(app, ["--database", db_url, "similar", "2401.20002", "--json", "-n", "2"])
    data = json.loads(as_json.output)
    assert data["arxiv_id"] == "2401.20002" and len(data["similar"]) == 2
    assert data["similar"][0]["shared_categories"] == ["cs.LG"] and data["similar"][0]["reason"]
    bad = runner.invoke(app, ["--database", db_url, "similar", "not-an-id"])
    assert bad.exit_code == 2 and "similar 'not-an-id': not an arXiv id or arXiv URL" in bad.output
    unknown = runner.invoke(app, ["--database", db_url, "similar", "2409.00001"])
    assert unknown.exit_code == 2 and "arXiv:2409.00001 is not in the catalogue" in unknown.output
    assert "Traceback" not in bad.output + unknown.output


def _cite(n: str, who: str, hours_ago: float, arxiv_id: str, kind: str = "post") -> dict[str, object]:
    return post(f"{who}-{n}", who, hours_ago, kind, text=f"see https://arxiv.org/abs/{arxiv_id}")


def test_discussed_by_the_same_people(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    records = []
    for who in ("ann", "bob", "cyd"):  # three accounts discuss P, and Q a day later
        records += [_cite("p", who, 100, "2401.00001"), _cite("q", who, 76, "2401.00002")]
    records += [_cite("p2", "ann", 99, "2401.00001")]  # a second post: still one vote
    records += [_cite("r", "dan", 90, "2401.00001"), _cite("r2", "dan", 88, "2401.00003", "reply")]
    records += [_cite("s", "ann", 100 + 24 * 6, "2401.00004")]  # six days before: outside the span
    records += [_cite("b", "bot", 100, "2401.00001"), _cite("b2", "bot", 99, "2401.00005")]
    _, rejects = run_import(engine, write_lines(tmp_path / "posts.jsonl", records))
    assert rejects == []
    block_accounts(engine, settings, ["bluesky:bot"])
    found = discussed_by_same_people(engine, settings.ranking, "2401.00001")
    assert [(c.paper.arxiv_id, c.people, c.score) for c in found] == [("2401.00002", 3, 3.0), ("2401.00003", 1, 0.5)]
    assert found[0].reason == "3 accounts that posted about this paper posted about it within 3 days"
    assert discussed_by_same_people(engine, settings.ranking, "2409.00001") == []
    back = discussed_by_same_people(engine, settings.ranking, "2401.00002")
    assert [c.paper.arxiv_id for c in back] == ["2401.00001"]
