"""Translating digest papers, on SQLite and PostgreSQL, through each translator end to end against a
local server speaking its API (tests/fake_translator.py) with 429 + Retry-After, 500s, stalls past the
timeout, answers that are not JSON or of the wrong shape, and answers that lose a formula's placeholder
(refused, never stored, asked again later); then pages show what is stored under the original."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from papertalk.config import NetworkSettings, Settings, SettingsError, TranslatorSettings
from papertalk.core.people_records import User
from papertalk.core.translation_marks import MarkError, protect, restore
from papertalk.services.digests.translating import (
    FAILED_WAIT_SECONDS,
    RETRY_FIRST_SECONDS,
    digest_papers,
    translate_papers,
)
from papertalk.services.people import user_accounts
from papertalk.services.people.permissions import OPERATOR
from papertalk.services.people.person_settings import save_settings
from papertalk.storage.engine import Engine
from papertalk.translators.choice import translator_from
from papertalk.translators.translator import Translator
from tests.fake_arxiv import FakeClock
from tests.fake_translator import Script, fake_translator
from tests.helpers import table
from tests.test_digests import NOW, settings_of, world
from tests.test_people_web import PASSWORD

DAY = "2026-12-06"
KINDS = ["libretranslate", "openai"]


def make(kind: str, url: str, clock: FakeClock, attempts: int = 6, allow_private: bool = True) -> Translator:
    chosen = TranslatorSettings(kind, url, "secret-key", "tiny-model", 0.5, 0.5, attempts)
    made = translator_from(chosen, NetworkSettings(allow_private=allow_private), clock=clock, sleep=clock.sleep)
    assert made is not None
    return made


def papers_of(engine: Engine, db_url: str) -> list:  # type: ignore[type-arg]
    from datetime import date

    return digest_papers(engine, settings_of(db_url).ranking, NOW, date(2026, 12, 6), "zh")


def stored(engine: Engine) -> dict[str, tuple[str, str | None, str | None]]:
    rows = table(engine, "SELECT p.arxiv_id, t.state, t.title, t.abstract FROM paper_translations t "
                         "JOIN papers p ON p.id = t.paper_id WHERE t.language = 'zh' ORDER BY p.arxiv_id")  # fmt: skip
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def test_placeholders_keep_formulas_and_ids_and_refuse_any_change() -> None:
    text = r"We show $x^2$, $$\sum_i a_i$$, \(y\) and \[z\] as in arXiv:2612.00001v2 and hep-th/9901001."
    kept = protect(text)
    assert kept.kept == ("$x^2$", r"$$\sum_i a_i$$", r"\(y\)", r"\[z\]", "arXiv:2612.00001v2", "hep-th/9901001")
    assert "$" not in kept.text and "2612" not in kept.text
    assert restore(kept, "译:" + kept.text) == "译:" + text
    for broken, said in [
        (kept.text.replace("[[F2]]", ""), "dropped [[F2]]"),
        (kept.text.replace("[[F2]]", "[[F2]][[F2]]"), "repeated [[F2]]"),
        (kept.text + " [[F9]]", "invented [[F9]]"),
        (kept.text.replace("[[F3]]", "[[F3]] [[ F3 ]]"), "altered a placeholder"),
    ]:
        with pytest.raises(MarkError, match=said.replace("[", r"\[")):
            restore(kept, broken)


@pytest.mark.parametrize("kind", KINDS)
def test_each_translator_rides_out_faults_and_stores_once(
    kind: str, engine: Engine, tmp_path: Path, db_url: str
) -> None:
    world(engine, tmp_path)
    papers = papers_of(engine, db_url)
    assert [p.arxiv_id for p in papers] == ["2612.00001", "2612.00002", "2612.00003"]
    script = Script(["429", "500", "stall", "notjson", "shape"])
    clock = FakeClock()
    with fake_translator(script) as url:
        summary = translate_papers(engine, make(kind, url, clock), "zh", papers, NOW)
        assert (summary.translated, summary.failed) == (3, 0), summary.errors
        assert 2.0 in clock.waits  # Retry-After honoured
        assert clock.waits[1:4] == [1.0, 2.0, 4.0]  # then exponential backoff from the 0.5 s interval
        rows = stored(engine)
        assert rows["2612.00001"][0] == "done"
        assert rows["2612.00001"][1] == r"〔zh〕Bounds of $\Theta(k^3)$ for sparse recovery"
        assert rows["2612.00001"][2] == r"〔zh〕We show $x^2$ is enough."
        path, body, headers = script.requests[-1]
        if kind == "libretranslate":
            assert path == "/translate" and body["source"] == "en" and body["target"] == "zh"
            assert body["format"] == "text" and body["api_key"] == "secret-key"
        else:
            assert path == "/v1/chat/completions" and body["model"] == "tiny-model"
            assert headers["Authorization"] == "Bearer secret-key" and body["messages"][1]["role"] == "user"
        asked = len(script.requests)
        again = translate_papers(engine, make(kind, url, clock), "zh", papers, NOW + 60)
        assert (again.already, again.translated, len(script.requests)) == (3, 0, asked)  # once per paper


@pytest.mark.parametrize("fault", ["drop", "dup", "alter"])
@pytest.mark.parametrize("kind", KINDS)
def test_an_answer_that_loses_a_formula_is_refused_and_asked_later(
    kind: str, fault: str, engine: Engine, tmp_path: Path, db_url: str
) -> None:
    world(engine, tmp_path)
    papers = papers_of(engine, db_url)
    script = Script([fault])  # the first paper's title has a formula
    with fake_translator(script) as url:
        translator = make(kind, url, FakeClock())
        first = translate_papers(engine, translator, "zh", papers, NOW)
        assert (first.translated, first.failed, first.rejected) == (2, 1, 1)
        assert ("arXiv:2612.00001" in first.errors[0] and "placeholder" in first.errors[0]) or "[[F1]]" in first.errors[
            0
        ]
        assert stored(engine)["2612.00001"] == ("retry", None, None)  # nothing of the bad answer is kept
        soon = translate_papers(engine, translator, "zh", papers, NOW + 60)
        assert (soon.waiting, soon.translated) == (1, 0)
        later = translate_papers(engine, translator, "zh", papers, NOW + RETRY_FIRST_SECONDS + 1)
        assert (
            later.translated == 1
            and stored(engine)["2612.00001"][1] == r"〔zh〕Bounds of $\Theta(k^3)$ for sparse recovery"
        )


def test_a_translator_that_keeps_failing_is_left_for_a_day(engine: Engine, tmp_path: Path, db_url: str) -> None:
    world(engine, tmp_path)
    papers = papers_of(engine, db_url)[:1]
    script = Script(always="500")
    with fake_translator(script) as url:
        translator = make("libretranslate", url, FakeClock(), attempts=2)
        at = NOW
        for n in range(3):
            summary = translate_papers(engine, translator, "zh", papers, at)
            assert summary.failed == 1 and "HTTP 500" in summary.errors[0] and "2 attempts" in summary.errors[0]
            at += RETRY_FIRST_SECONDS * 4**n + 1
        row = table(engine, "SELECT state, attempts, next_try_at FROM paper_translations")[0]
        assert row[0] == "failed" and row[1] == 3 and row[2] > at + FAILED_WAIT_SECONDS - 86_400 * 0.5
        assert len(script.requests) == 6
        # A whole digest against a dead translator: the round stops after three papers in a row.
        world_papers = papers_of(engine, db_url)
        script.requests.clear()
        stopped = translate_papers(engine, translator, "de", world_papers, NOW)
        assert stopped.failed == 3 and not stopped.stopped_early


def test_the_ssrf_guard_refuses_loopback_without_the_opt_in(engine: Engine, tmp_path: Path, db_url: str) -> None:
    world(engine, tmp_path)
    script = Script()
    with fake_translator(script) as url:
        translator = make("openai", url, FakeClock(), allow_private=False)
        summary = translate_papers(engine, translator, "zh", papers_of(engine, db_url), NOW)
    assert summary.failed == 3 and "AddressRefused" in summary.errors[0] and script.requests == []


def test_translator_settings_say_what_is_missing() -> None:
    assert Settings.from_env({}).translator.kind == "none"
    with pytest.raises(SettingsError, match="PAPERTALK_TRANSLATOR_URL is not set"):
        Settings.from_env({"PAPERTALK_TRANSLATOR": "libretranslate"})
    with pytest.raises(SettingsError, match="PAPERTALK_TRANSLATOR_MODEL is not set"):
        Settings.from_env({"PAPERTALK_TRANSLATOR": "openai", "PAPERTALK_TRANSLATOR_URL": "http://127.0.0.1:1"})
    with pytest.raises(SettingsError, match="PAPERTALK_TRANSLATOR="):
        Settings.from_env({"PAPERTALK_TRANSLATOR": "deepl"})


def li_reads_chinese(engine: Engine, tmp_path: Path, db_url: str) -> User:
    """The digest world, Li reading Chinese and Ada English, and the day's papers translated but the first
    (its answer dropped a formula: refused, so missing)."""
    world(engine, tmp_path)
    li = user_accounts.add_user(engine, OPERATOR, "Li", "li@example.org", PASSWORD, False, NOW)
    user_accounts.add_user(engine, OPERATOR, "Ada", "ada@example.org", PASSWORD, False, NOW)
    save_settings(engine, li, li, "UTC", "", "zh")
    with fake_translator(Script(["drop"])) as url:
        translate_papers(engine, make("libretranslate", url, FakeClock()), "zh", papers_of(engine, db_url), NOW)
    return li


def test_pages_show_stored_translations_under_the_original(engine: Engine, tmp_path: Path, db_url: str) -> None:
    from tests.test_people_web import signed_in
    from tests.web_world import served

    li_reads_chinese(engine, tmp_path, db_url)
    # No translator is set for the site, and the one used above is gone: pages read only what is stored.
    with served(settings_of(db_url), now=NOW) as base:
        reader, other = signed_in(base, "li"), signed_in(base, "ada")
        page = reader.get(f"/digest/{DAY}", params={"audience": "everyone"})
        assert page.status_code == 200
        assert '<div class="translation" lang="zh">' in page.text and "〔zh〕Second paper" in page.text
        assert page.text.index("Second paper") < page.text.index("〔zh〕Second paper")  # under the original
        data = reader.get(f"/digest/{DAY}.json", params={"audience": "everyone"}).json()
        by_id = {i["arxiv_id"]: i["translation"] for i in data["items"]}
        assert by_id["2612.00001"] is None  # refused, so missing: the page is whole without it
        assert by_id["2612.00002"] == {
            "language": "zh",
            "title": "〔zh〕Second paper",
            "abstract": "〔zh〕Plain abstract.",
        }
        assert 'class="translation"' not in other.get(f"/digest/{DAY}").text  # English reader
        anonymous = httpx.get(f"{base}/digest/{DAY}.json", timeout=30).json()
        assert all(i["translation"] is None for i in anonymous["items"])


def test_the_paper_page_its_api_twin_and_the_digest_feeds_show_stored_translations(
    engine: Engine, tmp_path: Path, db_url: str
) -> None:
    from papertalk.services.digests.feed_tokens import reset_feed_token
    from tests.test_people_web import signed_in
    from tests.web_world import served

    li = li_reads_chinese(engine, tmp_path, db_url)
    token = reset_feed_token(engine, li, li, NOW)
    with served(settings_of(db_url), now=NOW) as base, httpx.Client(base_url=base, timeout=30) as anonymous:
        # Li's own digest feed, in her language (read before she signs in: that makes her an empty network)
        own = anonymous.get(f"/feeds/digest/{token}.atom").text
        assert "〔zh〕Plain abstract." in own and "&lt;div class=&#34;translation&#34; lang=&#34;zh&#34;&gt;" in own
        reader, other = signed_in(base, "li"), signed_in(base, "ada")
        page = reader.get("/abs/2612.00002").text
        assert page.count('<div class="translation" lang="zh">') == 2  # the title's and the abstract's
        assert page.index("Second paper") < page.index("〔zh〕Second paper") < page.index("Plain abstract.")
        assert page.index("Plain abstract.") < page.index("〔zh〕Plain abstract.")
        missing = reader.get("/abs/2612.00001")
        assert missing.status_code == 200 and 'class="translation"' not in missing.text  # refused: nothing shown
        assert 'class="translation"' not in other.get("/abs/2612.00002").text  # an English reader
        api = reader.get("/api/v1/papers/2612.00002").json()["translation"]
        assert api == {"language": "zh", "title": "〔zh〕Second paper", "abstract": "〔zh〕Plain abstract."}
        assert anonymous.get("/api/v1/papers/2612.00002").json()["translation"] is None
        public = anonymous.get("/feeds/digest.atom", params={"lang": "zh"})
        assert public.status_code == 200 and "〔zh〕Second paper" in public.text
        assert "〔zh〕" not in anonymous.get("/feeds/digest.atom").text
        bad = anonymous.get("/feeds/digest.atom", params={"lang": "zh<script>"})
        assert bad.status_code == 400 and "lang" in bad.text


@pytest.mark.parametrize("kind", KINDS)
def test_the_cli_translates_a_day_by_hand(kind: str, engine: Engine, tmp_path: Path, db_url: str) -> None:
    from typer.testing import CliRunner

    from papertalk.cli.main import app

    world(engine, tmp_path)
    with fake_translator(Script(["500"])) as url:
        env = {"COLUMNS": "200", "PAPERTALK_TRANSLATOR": kind, "PAPERTALK_TRANSLATOR_URL": url,
               "PAPERTALK_TRANSLATOR_MODEL": "tiny", "PAPERTALK_FETCH_ALLOW_PRIVATE": "1",
               "PAPERTALK_TRANSLATOR_MIN_INTERVAL": "0.01"}  # fmt: skip
        runner = CliRunner()
        db = ["--database", db_url]
        done = runner.invoke(app, [*db, "translate", "--lang", "zh", "--date", DAY, "--json"], env=env)
        assert done.exit_code == 0, done.output
        summary = json.loads(done.output)
        assert (summary["papers"], summary["translated"], summary["failed"]) == (3, 3, 0)
        again = runner.invoke(app, [*db, "translate", "--lang", "zh", "--date", DAY], env=env)
        assert again.exit_code == 0 and "3 already" in again.output
    none = runner.invoke(app, [*db, "translate", "--lang", "zh"], env={"COLUMNS": "200"})
    assert none.exit_code == 2 and "no translator is set" in none.output
    bad = runner.invoke(app, [*db, "translate", "--lang", "zh", "--date", "2026-02-30"], env=env)
    assert bad.exit_code == 2 and "--date" in bad.output and "Traceback" not in bad.output
