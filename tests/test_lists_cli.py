"""``papertalk lists`` over a real database: add with a section path, show, export to Markdown, import the
export (preview first, then --save) and get the same list; bad input is one error line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from papertalk.cli.main import app
from papertalk.core.list_records import PUBLIC
from papertalk.services.library import list_editing
from papertalk.services.people import user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.storage.engine import Engine
from tests.test_people_web import PASSWORD


def run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--database", db_url, *args])
    return result.exit_code, result.stdout, result.stderr


def outline(shown: dict[str, list[dict[str, list[dict[str, str]]]]]) -> list[tuple[str, ...]]:
    return [(s["title"], c["title"], i["arxiv_id"], i["verdict"]) for s in shown["sections"]
            for c in s["sections"] for i in c["items"]]  # fmt: skip


def test_add_show_export_and_import_back(engine: Engine, db_url: str, tmp_path: Path) -> None:
    ada = user_accounts.add_user(engine, OPERATOR, "ada", "ada@example.org", PASSWORD, False, 1_800_000_000)
    lid = list_editing.create_list(engine, ada, "NIPS 2016", "", PUBLIC, 1_800_000_000)
    code, out, err = run(db_url, "lists", "add", str(lid), "1607.06450", "--user", "ada",
                         "--section", "Tuesday/Main talks", "--verdict", "Simple, works")  # fmt: skip
    assert code == 0, err
    code, out, _ = run(db_url, "lists", "show", str(lid), "--json")
    shown = json.loads(out)
    assert shown["sections"][0]["title"] == "Tuesday"
    assert shown["sections"][0]["sections"][0]["items"][0]["verdict"] == "Simple, works"
    page = tmp_path / "list.md"
    assert run(db_url, "lists", "export", str(lid), "-o", str(page))[0] == 0
    code, out, _ = run(db_url, "lists", "import", str(page), "--user", "ada", "--json")
    assert code == 0 and json.loads(out)["items"] == 1 and "list" not in json.loads(out)
    code, out, _ = run(db_url, "lists", "import", str(page), "--user", "ada", "--save", "--json")
    again = json.loads(out)["list"]
    copy = json.loads(run(db_url, "lists", "show", str(again), "--json")[1])
    assert outline(copy) == outline(shown) == [("Tuesday", "Main talks", "1607.06450", "Simple, works")]
    code, _, err = run(db_url, "lists", "add", str(lid), "not an id", "--user", "ada")
    assert code == 2 and err.count("\n") == 1 and "paper:" in err
    code, _, err = run(db_url, "lists", "show", "999")
    assert code == 2 and "no list 999" in err


def test_import_reads_the_format_from_the_extension_or_format(engine: Engine, db_url: str, tmp_path: Path) -> None:
    user_accounts.add_user(engine, OPERATOR, "ada", "ada@example.org", PASSWORD, False, 1_800_000_000)
    bib = "@misc{ba16,\n  title = {Layer Normalization},\n  eprint = {1607.06450}\n}\n"
    (tmp_path / "refs.bib").write_text(bib)
    (tmp_path / "refs.md").write_text(bib)  # BibTeX under a name that says Markdown
    code, out, _ = run(db_url, "lists", "import", str(tmp_path / "refs.bib"), "--user", "ada", "--json")
    assert code == 0 and json.loads(out)["items"] == 1 and json.loads(out)["title"] == "Imported references"
    code, out, _ = run(db_url, "lists", "import", str(tmp_path / "refs.md"), "--user", "ada", "--json")
    assert code == 0 and json.loads(out)["title"] != "Imported references"  # read as notes, as its name says
    (tmp_path / "refs.txt").write_text(bib)  # a .txt says nothing: what it holds decides
    code, out, _ = run(db_url, "lists", "import", str(tmp_path / "refs.txt"), "--user", "ada", "--json")
    assert code == 0 and json.loads(out)["title"] == "Imported references"
    code, out, _ = run(db_url, "lists", "import", str(tmp_path / "refs.md"), "--user", "ada", "--json",
                       "--format", "bibtex")  # fmt: skip
    assert code == 0 and json.loads(out)["title"] == "Imported references"
    code, _, err = run(db_url, "lists", "import", str(tmp_path / "refs.txt"), "--user", "ada", "--format", "docx")
    assert code == 2 and err.count("\n") == 1 and "format:" in err
