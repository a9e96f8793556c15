"""A private note, and a private summary, appear to nobody else anywhere: every page, API answer, feed,
search, export and count, read anonymously, as another person and as an admin. The owner's own views
show them (so each check could fail), and the word hidden in them is looked for in every answer."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import httpx
from sqlalchemy import func, select
from typer.testing import CliRunner

from papertalk.cli.main import app as cli
from papertalk.storage.tables import posts
from tests.notes_world import PAPER, notes_world, summary_id_of

SECRET = "zanzibarquokka"  # a word no other text holds
WORD = "wombatfjord"  # also in the private texts: searched for (a search page shows its query, not the texts)


def surfaces(note: int, summary: int) -> list[str]:
    """Every GET a reader could try that might show a summary, a note or their counts."""
    return [
        f"/abs/{PAPER}", "/", "/?audience=everyone", "/posts", "/summaries", "/summaries?tab=best",
        "/summaries?tab=popular", "/summaries?category=cs.LG", "/people/bob", f"/summaries/{note}",
        f"/summaries/{summary}", f"/summaries/{note}/history", f"/summaries/{note}/edit",
        f"/summaries/{summary}/history", f"/search?q={WORD}", "/feeds/summaries.atom", "/feeds/people/bob.atom",
        f"/feeds/summaries/papers/{PAPER}.atom", f"/feeds/papers/{PAPER}.atom", "/feeds/posts.atom",
        "/feeds/trending.atom?window=week", f"/feeds/search.atom?q={WORD}", "/api/v1/summaries",
        f"/api/v1/summaries?paper={PAPER}", "/api/v1/summaries?tab=best", f"/api/v1/summaries/{note}",
        f"/api/v1/summaries/{summary}", "/api/v1/people/bob/summaries", "/api/v1/notes", f"/api/v1/papers/{PAPER}",
        "/api/v1/posts", "/api/v1/trending?window=week", f"/api/v1/search?q={WORD}", "/notifications",
        "/admin/reports", f"/comments/{note}",
    ]  # fmt: skip


def test_private_texts_show_to_nobody_else_anywhere(db_url: str, tmp_path: Path) -> None:
    with notes_world(db_url, tmp_path) as w:
        note = summary_id_of(w.bob.post("/summaries/new", paper=PAPER, kind="note", title=f"note {SECRET}",
                                        source=f"My {SECRET} {WORD} idea, $x^2$", action="save"))  # fmt: skip
        private = {"kind": "summary", "title": f"sum {SECRET}", "source": f"Private {SECRET} {WORD}"}
        summary = summary_id_of(w.bob.post("/summaries/new", paper=PAPER, visibility="private", action="save",
                                           **private))  # fmt: skip
        # the owner sees both (the checks below could fail)
        assert SECRET in w.bob.client.get(f"/abs/{PAPER}").text
        assert SECRET in w.bob.client.get(f"/summaries/{note}").text
        assert SECRET in w.bob.client.get(f"/search?q={WORD}").text
        assert SECRET in w.bob.api("GET", "/api/v1/notes").text
        readers: dict[str, httpx.Client] = {"anonymous": w.anonymous(), "carol": w.carol.client,
                                            "ada (admin)": w.ada.client}  # fmt: skip
        for who, client in readers.items():
            for path in surfaces(note, summary):
                answer = client.get(path)
                assert answer.status_code < 500, (who, path)
                assert SECRET not in answer.text, f"{who} sees the private text at {path}"
            api = httpx.Client(base_url=w.base, headers={"Authorization": f"Bearer {w.carol.api_write}"})
            assert SECRET not in api.get("/api/v1/notes").text
        assert "Summaries (0)" in w.anonymous().get(f"/abs/{PAPER}").text  # counts leave them out
        # nobody else may act on them: each is answered as if there were nothing there
        for person in (w.ada, w.carol):
            assert person.post(f"/summaries/{summary}/vote", vote="up").status_code == 404
            assert person.post(f"/summaries/{summary}/comments", source="hi").status_code == 404
            assert person.post(f"/summaries/{note}/edit", source="mine", action="save").status_code == 404
            assert person.post(f"/summaries/{note}/delete").status_code == 404
            assert person.post("/reports", target="summary", id=str(note), reason="x").status_code == 404
            assert person.api("GET", f"/api/v1/summaries/{note}").status_code == 404
            assert person.api("PUT", f"/api/v1/summaries/{note}", {"source": "x"}).status_code == 404
            assert person.api("DELETE", f"/api/v1/summaries/{summary}").status_code == 404
        assert w.ada.post("/admin/reports", target="summary", id=str(summary), action="hide").status_code == 400
        # no post counts for them, no export of someone else holds them
        with w.engine.connect() as conn:
            assert conn.execute(select(func.count()).where(posts.c.platform == "papertalk")).scalar_one() == 0
        url = w.engine.url.render_as_string(hide_password=False)
        for name, holds in (("carol", False), ("ada", False), ("bob", True)):
            out = tmp_path / f"{name}.zip"
            result = CliRunner().invoke(cli, ["--database", url, "notes", "export", str(out), "--user", name])
            assert result.exit_code == 0, result.output
            with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
                text = "".join(archive.read(n).decode() for n in archive.namelist())
            assert (SECRET in text) is holds, name
