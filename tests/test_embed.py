"""Semantic vectors on both backends, with the real WordLlama model loaded offline: ``papertalk embed``
(discussed papers or all, resumable after a stop, never re-embedding an unchanged paper, ``--json``),
similar papers and For you with the setting on (a paper sharing no word comes in, reasons say "close in
meaning"), the lexical fallback when a paper has no vector, and the one-line errors when no model is chosen
or its package is missing."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.config import EmbedderSettings, Settings
from papertalk.core.records import Paper
from papertalk.embedders.choice import embedder_from
from papertalk.embedders.embedder import Embedder
from papertalk.services.discover.embedding import embed_papers, paper_text
from papertalk.services.discover.for_you import Seed, for_you
from papertalk.services.discover.similar import similar_papers
from papertalk.services.discover.vector_index import current_index
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import Engine
from tests.helpers import NOW, post, run_import, table, write_lines
from tests.test_discover import topic_papers

ROOT = Path(__file__).resolve().parent.parent
ON = EmbedderSettings("wordllama", "l2_supercat", 256)
# Two papers about recognising pictures that share no word at all: only their meaning is close.
QUERY = Paper(
    "2402.00001",
    "Convolutional networks recognise photographs",
    ("Cy Query",),
    "We train convolutional networks to recognise objects in photographs.",
    ("cs.CV",),
    NOW - 86_400,
)
SYNONYM = Paper(
    "2402.00002",
    "Deep learning for visual classification of pictures",
    ("Di Other",),
    "A neural model labels images by learned filters.",
    ("cs.CV",),
    NOW - 86_400,
)


@pytest.fixture(scope="module")
def model() -> Embedder:
    found = embedder_from(ON)
    assert found is not None
    return found


@pytest.fixture
def catalogue(engine: Engine) -> Engine:
    with engine.begin() as conn:
        upsert_papers(conn, [*topic_papers(), QUERY, SYNONYM], NOW)
    return engine


class StopsAfter:
    """The real model, stopping the run (as a kill would) at its ``calls + 1``-th batch."""

    def __init__(self, model: Embedder, calls: int) -> None:
        self.key, self.dim, self.model, self.left = model.key, model.dim, model, calls
        self.texts = 0

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        self.texts += len(texts)
        return self.model.embed(texts)


def test_embed_is_resumable_and_never_embeds_an_unchanged_paper_again(catalogue: Engine, model: Embedder) -> None:
    stopped = StopsAfter(model, 2)
    with pytest.raises(KeyboardInterrupt):
        embed_papers(catalogue, stopped, NOW, everything=True, batch=4)
    assert stopped.texts == 8 and table(catalogue, "SELECT COUNT(*) FROM paper_vectors") == [(8,)]  # kept
    counted = StopsAfter(model, -1)
    again = embed_papers(catalogue, counted, NOW, everything=True, batch=4)
    # 14 titled papers (the one known by id only has nothing to embed): 8 were done, 6 are left
    assert (again.considered, again.embedded, again.unchanged, counted.texts) == (14, 6, 8, 6)
    assert embed_papers(catalogue, counted, NOW, everything=True, batch=4).embedded == 0
    rows = table(catalogue, "SELECT model, dim, vector, source_hash FROM paper_vectors ORDER BY paper_id")
    assert len(rows) == 14 and {(m, d, len(v)) for m, d, v, _ in rows} == {("wordllama:l2_supercat:256", 256, 512)}
    assert table(catalogue, "SELECT vectors FROM paper_vector_sets") == [(14,)]
    stored = table(catalogue, "SELECT v.vector, v.source_hash FROM paper_vectors v JOIN papers p ON p.id = v.paper_id "
                   "WHERE p.arxiv_id = '2402.00001'")[0]  # fmt: skip
    assert stored[1] == hashlib.sha256(paper_text(QUERY.title or "", QUERY.abstract or "").encode()).hexdigest()
    vector = np.frombuffer(bytes(stored[0]), dtype="<f2").astype(np.float32)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-2
    assert np.allclose(vector, model.embed([paper_text(QUERY.title or "", QUERY.abstract or "")])[0], atol=2e-3)

    with catalogue.begin() as conn:  # new metadata for one paper: only it is embedded again
        upsert_papers(conn, [replace(QUERY, abstract="We recognise objects in photographs with networks.")], NOW)
    changed = embed_papers(catalogue, counted, NOW, everything=True, batch=4)
    assert (changed.embedded, changed.unchanged) == (1, 13)
    assert table(catalogue, "SELECT vectors FROM paper_vector_sets") == [(14,)]  # replaced, not added


def test_embed_takes_the_discussed_papers_unless_asked_for_all(
    catalogue: Engine, model: Embedder, tmp_path: Path
) -> None:
    assert embed_papers(catalogue, model, NOW).considered == 0  # nobody has discussed anything yet
    records = [post(f"p{i}", "ann", 5, text=f"see https://arxiv.org/abs/{a}") for i, a in enumerate(["2402.00001"])]
    assert run_import(catalogue, write_lines(tmp_path / "posts.jsonl", records))[1] == []
    report = embed_papers(catalogue, model, NOW)
    assert (report.considered, report.embedded) == (1, 1)
    assert table(catalogue, "SELECT p.arxiv_id FROM paper_vectors v JOIN papers p ON p.id = v.paper_id") == [
        ("2402.00001",)
    ]


def test_similar_papers_use_the_vectors_when_the_setting_is_on(catalogue: Engine, model: Embedder) -> None:
    lexical = similar_papers(catalogue, QUERY.arxiv_id)
    assert SYNONYM.arxiv_id not in [s.paper.arxiv_id for s in lexical]  # not one word in common
    assert similar_papers(catalogue, QUERY.arxiv_id, embedder=ON) == lexical  # no vectors yet: the words alone
    embed_papers(catalogue, model, NOW, everything=True)
    assert similar_papers(catalogue, QUERY.arxiv_id) == lexical  # setting off: vectors unused
    semantic = {s.paper.arxiv_id: s for s in similar_papers(catalogue, QUERY.arxiv_id, embedder=ON)}
    found = semantic[SYNONYM.arxiv_id]  # brought in by its meaning, and now first
    assert next(iter(semantic)) == SYNONYM.arxiv_id
    assert found.meaning is not None and found.meaning > 0.4 and found.terms == ()
    assert found.reason == f"Close in meaning ({found.meaning:.2f}); shares category cs.CV"
    assert all(s.meaning is not None for s in semantic.values())
    other = similar_papers(catalogue, "2401.00002", embedder=ON)[0]  # a protein paper: meaning and words
    assert other.paper.arxiv_id.startswith("2401.0") and other.reason.startswith("Close in meaning (")
    assert "; shares " in other.reason and other.terms


def test_a_paper_without_a_vector_falls_back_to_its_words(catalogue: Engine, model: Embedder, tmp_path: Path) -> None:
    records = [post("p", "ann", 5, text="see https://arxiv.org/abs/2401.00001 and https://arxiv.org/abs/2401.00003")]
    assert run_import(catalogue, write_lines(tmp_path / "posts.jsonl", records))[1] == []
    embed_papers(catalogue, model, NOW)  # the two discussed papers only
    assert similar_papers(catalogue, "2401.00002", embedder=ON) == similar_papers(catalogue, "2401.00002")
    mixed = {s.paper.arxiv_id: s for s in similar_papers(catalogue, "2401.00001", embedder=ON)}
    assert mixed["2401.00003"].meaning is not None  # both have vectors: blended
    assert mixed["2401.00002"].meaning is None and mixed["2401.00002"].reason.startswith("Shares ")


def test_each_process_reads_the_vectors_again_only_when_they_changed(catalogue: Engine, model: Embedder) -> None:
    assert current_index(catalogue, ON.model_key) is None
    embed_papers(catalogue, model, NOW, everything=True, batch=5)
    first = current_index(catalogue, ON.model_key)
    assert first is not None and len(first.rows) == 14 and current_index(catalogue, ON.model_key) is first
    with catalogue.begin() as conn:
        upsert_papers(conn, [Paper("2402.00003", "Photographs of objects", (), "Pictures.", ("cs.CV",), NOW)], NOW)
    embed_papers(catalogue, model, NOW, everything=True)
    second = current_index(catalogue, ON.model_key)
    assert second is not None and second is not first and len(second.rows) == 15


def test_pages_never_wait_for_the_vectors_to_be_read(catalogue: Engine, model: Embedder) -> None:
    embed_papers(catalogue, model, NOW, everything=True)
    lexical = similar_papers(catalogue, QUERY.arxiv_id)
    # a web process that has not read them yet: this request is answered by the words alone, and a thread
    # reads the vectors for the next ones
    assert similar_papers(catalogue, QUERY.arxiv_id, embedder=ON, wait_for_vectors=False) == lexical
    deadline = time.monotonic() + 30
    while current_index(catalogue, ON.model_key, wait=False) is None:
        assert time.monotonic() < deadline, "the vectors were never read"
        time.sleep(0.05)
    found = similar_papers(catalogue, QUERY.arxiv_id, embedder=ON, wait_for_vectors=False)
    assert found[0].paper.arxiv_id == SYNONYM.arxiv_id
    stale = current_index(catalogue, ON.model_key, wait=False)
    with catalogue.begin() as conn:
        upsert_papers(conn, [Paper("2402.00003", "Photographs of objects", (), "Pictures.", ("cs.CV",), NOW)], NOW)
    embed_papers(catalogue, model, NOW, everything=True)
    assert current_index(catalogue, ON.model_key, wait=False) is stale  # the old copy while the new is read
    while (fresh := current_index(catalogue, ON.model_key, wait=False)) is stale:
        assert time.monotonic() < deadline, "the new vectors were never read"
        time.sleep(0.05)
    assert fresh is not None and len(fresh.rows) == 15


def test_for_you_says_close_in_meaning_with_the_setting_on(
    catalogue: Engine, model: Embedder, settings: Settings, tmp_path: Path
) -> None:
    records = [post(f"w{j}", f"reader{j}", 10, text="see https://arxiv.org/abs/2402.00002") for j in range(3)]
    records += [post(f"x{j}", f"reader{j}", 11, text="see https://arxiv.org/abs/2401.10002") for j in range(3)]
    assert run_import(catalogue, write_lines(tmp_path / "posts.jsonl", records))[1] == []
    seeds = [Seed(QUERY.arxiv_id, "on your list Vision")]
    lexical = [i.paper.arxiv_id for i in for_you(catalogue, settings, NOW, seeds)]
    assert lexical == ["2401.10002"]  # a galaxy paper sharing "we"; the synonym shares no word at all
    embed_papers(catalogue, model, NOW, everything=True)
    items = for_you(catalogue, replace(settings, embedder=ON), NOW, seeds)
    assert items[0].paper.arxiv_id == SYNONYM.arxiv_id and items[0].like.arxiv_id == QUERY.arxiv_id
    assert items[0].reason.startswith(f"close in meaning to “{QUERY.title}” (")
    assert items[0].reason.endswith("), on your list Vision")
    assert [i.paper.arxiv_id for i in items][-1] == "2401.10002"  # a galaxy paper: further in meaning


def test_embed_command_json_and_its_errors(catalogue: Engine, db_url: str) -> None:
    runner = CliRunner()
    env = {"PAPERTALK_EMBEDDER": "wordllama"}
    done = runner.invoke(app, ["--database", db_url, "embed", "--all", "--json"], env=env)
    assert done.exit_code == 0, done.output
    summary = {"model": "wordllama:l2_supercat:256", "scope": "all", "considered": 14, "embedded": 14, "unchanged": 0}
    assert json.loads(done.stdout) == summary
    again = runner.invoke(app, ["--database", db_url, "embed", "--all"], env=env)
    assert again.exit_code == 0 and "0 papers embedded, 14 unchanged of 14 (all, wordllama:l2_supercat:256)" in (
        again.output.replace("\n", " ")
    )
    shown = runner.invoke(app, ["--database", db_url, "similar", QUERY.arxiv_id, "--json"], env=env)
    assert json.loads(shown.stdout)["similar"][0]["arxiv_id"] == SYNONYM.arxiv_id
    assert json.loads(shown.stdout)["similar"][0]["meaning"] > 0.4
    unset = runner.invoke(app, ["--database", db_url, "embed"], env={"PAPERTALK_EMBEDDER": "none"})
    assert unset.exit_code == 2
    assert "embed: no model chosen: set PAPERTALK_EMBEDDER=wordllama (see docs/settings.md)" in unset.output
    wrong = runner.invoke(app, ["--database", db_url, "embed"], env={**env, "PAPERTALK_EMBEDDER_MODEL": "nope"})
    assert wrong.exit_code == 2 and "PAPERTALK_EMBEDDER_MODEL='nope' (dim 256) is not a model" in wrong.output


def _without(module: str, args: list[str], db_url: str, embedder: str) -> subprocess.CompletedProcess[str]:
    """``papertalk ARGS`` in a fresh interpreter where ``module`` cannot be imported (as if not installed)."""
    code = (
        "import sys\n"
        "class Absent:\n"  # a finder refusing the module: psycopg probes sys.modules, so no None entry there
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] == {module!r}: raise ImportError(f'No module named {{name!r}}')\n"
        "sys.meta_path.insert(0, Absent())\n"
        "from papertalk.cli.main import run; sys.argv = ['papertalk', *sys.argv[1:]]; run()"
    )
    env = {**os.environ, "PAPERTALK_EMBEDDER": embedder, "PAPERTALK_DATABASE_URL": db_url, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-c", code, *args], check=False, capture_output=True, text=True, env=env, cwd=ROOT
    )


def test_without_the_package_embed_says_what_to_install_and_the_rest_works(catalogue: Engine, db_url: str) -> None:
    missing = _without("wordllama", ["embed"], db_url, "wordllama")
    assert missing.returncode == 2, missing.stderr
    assert missing.stderr.strip() == (
        "error: embed: PAPERTALK_EMBEDDER=wordllama needs the wordllama package, which is not installed: "
        "pip install 'papertalk[embed]' (pinned: pip install -r requirements-embed.lock)"
    )
    # the base install has no numpy: similar papers stay lexical and never import it
    lexical = _without("numpy", ["similar", "2401.00002", "--json"], db_url, "none")
    assert lexical.returncode == 0, lexical.stderr
    assert json.loads(lexical.stdout)["similar"][0]["meaning"] is None
