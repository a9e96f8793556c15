"""A person's summaries and notes taken away and brought back through the installed ``papertalk`` command
(a real process, on SQLite and PostgreSQL): the zip's Markdown files (front matter naming the arXiv id)
re-import to the same texts, its notes.json and notes.csv hold the same fields, ``notes list`` and
``notes show`` agree with it, and bad files are each reported on one line naming the file while the
rest are imported."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from papertalk.core.people_records import User
from papertalk.core.summary_records import Summary
from papertalk.core.written_text import MAX_WRITTEN_CHARS
from papertalk.services.library import summaries, summary_lists
from papertalk.services.people import user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.storage.engine import Engine, make_engine
from papertalk.storage.schema import upgrade
from tests.helpers import NOW
from tests.notes_world import OTHER_PAPER, PAPER, build
from tests.test_people_web import PASSWORD, settings_for

PAPERTALK = str(Path(sys.executable).parent / "papertalk")
# Texts that a naive front matter reader or writer would get wrong: a '---' line and a 'key: value' line
# in the text, quotes and non-ASCII in the title, no final newline, trailing spaces, Windows line ends.
TEXTS = [
    ("summary", PAPER, "public", True, 'Linear nets: "quoted" — ü',
     "# Main result\n\n$\\Sigma = YX^T(XX^T)^{-1}XY^T$\n\n---\ntitle: not front matter\n\n"
     "| a | b |\n|---|---|\n| 1 | 2 |"),
    ("note", PAPER, "private", False, "", "first note\n\n---\n\n- [ ] read §3  \n"),
    ("note", OTHER_PAPER, "private", False, "Σ ≤ ∞", "Line one\r\nline two ∞\r\n"),
    ("summary", OTHER_PAPER, "unlisted", False, "Another", "Just text, ending without a newline"),
]  # fmt: skip
SAME = ("arxiv_id", "kind", "visibility", "anonymous", "title", "source")


@dataclass
class World:
    url: str
    engine: Engine
    ada: User
    bob: User

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PAPERTALK_DATABASE_URL": self.url, "COLUMNS": "300"}
        return subprocess.run([PAPERTALK, *args], env=env, capture_output=True, text=True, check=False, timeout=300)


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[World]:
    engine = make_engine(db_url)
    upgrade(engine)
    build(engine, tmp_path)
    ada = user_accounts.add_user(engine, OPERATOR, "ada", "ada@example.org", PASSWORD, False, int(NOW))
    bob = user_accounts.add_user(engine, OPERATOR, "bob", "bob@example.org", PASSWORD, False, int(NOW))
    settings = settings_for(db_url)
    for kind, paper, visibility, anonymous, title, source in TEXTS:
        draft = summaries.draft_of(title, source, visibility, anonymous, kind)
        if kind == "note":
            summaries.save_note(engine, ada, paper, draft, int(NOW))
        else:
            summaries.save_summary(engine, settings, ada, paper, draft, int(NOW))
    yield World(db_url, engine, ada, bob)
    engine.dispose()


def fields(s: Summary) -> tuple[object, ...]:
    return tuple(getattr(s, name) for name in SAME)


def exported(world: World, tmp_path: Path) -> zipfile.ZipFile:
    out = tmp_path / "ada-notes.zip"
    done = world.cli("notes", "export", str(out), "--user", "ada")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {out}")
    return zipfile.ZipFile(out)


def test_the_exported_markdown_files_reimport_to_the_same_texts(world: World, tmp_path: Path) -> None:
    archive = exported(world, tmp_path)
    markdown = sorted(n for n in archive.namelist() if n.endswith(".md"))
    assert len(markdown) == len(TEXTS)
    folder = tmp_path / "files"
    folder.mkdir()
    for name in markdown:
        text = archive.read(name).decode("utf-8")
        assert text.startswith("---\narxiv_id: ")
        (folder / name).write_bytes(archive.read(name))
    done = world.cli("notes", "import", "--user", "bob", "--json", *(str(folder / n) for n in markdown))
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["imported"]) == len(TEXTS)
    mine = sorted(fields(s) for s in summary_lists.own(world.engine, world.ada))
    theirs = sorted(fields(s) for s in summary_lists.own(world.engine, world.bob))
    assert theirs == mine
    # As written (line ends made \n, which is how every text is stored), no newline added or lost.
    assert sorted(m[5] for m in mine) == sorted(t[5].replace("\r\n", "\n") for t in TEXTS)
    # Importing one's own export again: the summaries are the same (an unchanged text makes no new version),
    # the notes are added.
    again = world.cli("notes", "import", "--user", "ada", *(str(folder / n) for n in markdown))
    assert again.returncode == 0, again.stderr
    after = summary_lists.own(world.engine, world.ada)
    assert sorted(fields(s) for s in after if s.kind == "summary") == sorted(m for m in mine if m[1] == "summary")
    assert [s.version for s in after if s.kind == "summary"] == [1, 1]
    assert len([s for s in after if s.kind == "note"]) == 4


def test_the_json_and_csv_of_the_export_hold_the_same_fields_as_the_markdown(world: World, tmp_path: Path) -> None:
    archive = exported(world, tmp_path)
    rows = json.loads(archive.read("notes.json"))
    table = list(csv.DictReader(io.StringIO(archive.read("notes.csv").decode("utf-8"), newline="")))
    stored = {s.id: s for s in summary_lists.own(world.engine, world.ada)}
    assert sorted(r["id"] for r in rows) == sorted(stored) == sorted(int(r["id"]) for r in table)
    for row in rows:
        s = stored[row["id"]]
        assert tuple(row[k] for k in SAME) == fields(s)
        assert (row["created_at"], row["updated_at"]) == (s.created_at, s.updated_at)
        name = f"{s.arxiv_id}-{s.kind}-{s.id}.md"
        assert archive.read(name).decode("utf-8").endswith("\n---\n" + s.source)
    for line in table:
        s = stored[int(line["id"])]
        assert (line["arxiv_id"], line["kind"], line["visibility"], line["title"], line["source"]) == (
            s.arxiv_id, s.kind, s.visibility, s.title, s.source)  # fmt: skip
        assert line["anonymous"] == str(s.anonymous) and int(line["updated_at"]) == s.updated_at


def test_notes_list_and_show_agree_with_the_export(world: World, tmp_path: Path) -> None:
    archive = exported(world, tmp_path)
    listed = world.cli("notes", "list", "--user", "ada", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert len(rows) == len(TEXTS)
    plain = world.cli("notes", "list", "--user", "ada")
    assert plain.returncode == 0 and len(plain.stdout.strip().splitlines()) == len(TEXTS)
    for row in rows:
        shown = world.cli("notes", "show", str(row["id"]), "--user", "ada")
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout == archive.read(f"{row['arxiv_id']}-{row['kind']}-{row['id']}.md").decode("utf-8")
        as_json = json.loads(world.cli("notes", "show", str(row["id"]), "--user", "ada", "--json").stdout)
        assert as_json["source"] and "<" in as_json["html"]
    # bob sees none of ada's private notes; an id beyond the column and a stranger are one-line refusals.
    note = next(r["id"] for r in rows if r["kind"] == "note")
    for args in (["show", str(note), "--user", "bob"], ["show", str(2**31), "--user", "ada"],
                 ["show", str(2**63), "--user", "ada"], ["list", "--user", "nobody"]):  # fmt: skip
        refused = world.cli("notes", *args)
        assert refused.returncode == 2, (args, refused.stdout, refused.stderr)
        assert "Traceback" not in refused.stderr and refused.stderr.strip(), args
    assert world.cli("notes", "list", "--user", "bob").stdout.strip() == "bob has no summaries or notes yet"


def front(arxiv_id: str, kind: str = "note") -> str:
    return f'---\narxiv_id: "{arxiv_id}"\nkind: "{kind}"\nvisibility: "private"\ntitle: "t"\n---\n'


def test_bad_files_are_reported_one_line_each_and_the_rest_imported(world: World, tmp_path: Path) -> None:
    folder = tmp_path / "in [drafts]"
    folder.mkdir()
    files = {
        "good-1.md": (front(PAPER) + "a good note\n").encode(),
        "no-front-matter.md": b"# Just Markdown\n\nno front matter\n",
        "unclosed.md": b'---\narxiv_id: "2401.00001"\n',
        "unknown-paper.md": (front("2401.99999") + "a paper papertalk does not know\n").encode(),
        "not-an-id.md": (front("not an id") + "text\n").encode(),
        "bad-kind.md": (front(PAPER, "essay") + "text\n").encode(),
        "latin-1.md": front(PAPER).encode() + "caf\xe9\n".encode("latin-1"),
        "nul.md": (front(PAPER) + "before\x00after\n").encode(),
        "too-long.md": (front(PAPER) + "x" * (MAX_WRITTEN_CHARS + 1)).encode(),
        "one-megabyte.md": (front(PAPER) + "y" * (MAX_WRITTEN_CHARS - 1) + "\n").encode(),
        "empty.md": b"",
        "[brackets] and rich markup.md": (front(PAPER, "summary") + "[b]not markup[/b]\n").encode(),
        "good-2.md": (front(OTHER_PAPER) + "another good note\n").encode(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    paths = [str(folder / name) for name in files] + [str(folder / "missing.md"), str(folder)]
    done = world.cli("notes", "import", "--user", "bob", *paths)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    bad = ["no-front-matter.md", "unclosed.md", "unknown-paper.md", "not-an-id.md", "bad-kind.md", "latin-1.md",
           "nul.md", "too-long.md", "empty.md", "missing.md"]  # fmt: skip
    assert len(lines) == len(bad) + 1, lines  # and the folder itself
    for name, line in zip([*bad, folder.name], lines, strict=True):
        assert line.startswith(f"error: {folder}") and name in line, (name, line)
    reasons = "\n".join(lines)
    for reason in ("line 1: a front matter block", "no closing '---'", "does not know arXiv:2401.99999",
                   "not an arXiv id", "kind must be one of", "not UTF-8", "NUL character",
                   "over the limit of 1,048,576"):  # fmt: skip
        assert reason in reasons, reason
    assert done.stdout.strip() == f"imported 4, refused {len(bad) + 1}"
    texts = {s.source: s for s in summary_lists.own(world.engine, world.bob)}
    assert set(texts) == {"a good note\n", "another good note\n", "y" * (MAX_WRITTEN_CHARS - 1) + "\n",
                          "[b]not markup[/b]\n"}  # fmt: skip
    assert texts["[b]not markup[/b]\n"].kind == "summary"
