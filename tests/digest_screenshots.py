"""Screenshots of the curated digest (above yesterday's computed digest, with stored translations under the
originals), its compose form and a paper page with its translation, on the demo world, light and dark,
desktop and phone, into docs/screenshots/digest-*.png.

Run: ``python -m tests.digest_screenshots``. It builds a small demo world in a temporary folder; ada (an
admin) composes everyone's curated digest of yesterday through the service, the day's papers are
translated into Chinese by the test translator (tests/fake_translator.py: its "translations" are the
English text marked 〔zh〕, so they are plainly not real ones) and grace reads Chinese."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from papertalk.config import NetworkSettings, TranslatorSettings
from papertalk.demo.database import build_demo
from papertalk.demo.world import WorldSize
from papertalk.services.database import open_database
from papertalk.services.digests.curated_writing import CuratedInput, LinkInput, PickInput, save_curated
from papertalk.services.digests.digest_dates import day_period
from papertalk.services.digests.digest_streams import stream_for
from papertalk.services.digests.digest_view import digest
from papertalk.services.digests.translating import translate_papers
from papertalk.services.people.person_settings import save_settings
from papertalk.services.people.user_accounts import find_user
from papertalk.translators.choice import translator_from
from tests.browser import DESKTOP, PHONE, chromium
from tests.fake_translator import Script, fake_translator
from tests.notes_screenshots import _signed_in, finished
from tests.web_world import served

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
SIZES = {"desktop": DESKTOP, "phone": PHONE}
INTRO = (
    "DEMO: three papers people argued about yesterday, one on $\\Theta(k^3)$ bounds, and two posts worth "
    "reading with them. *Picked by hand* from what the network shared."
)


def _prepare(settings: object, now: int) -> tuple[str, str]:
    """ada's curated digest of yesterday and grace reading Chinese; (the day, a translated paper's id)."""
    engine = open_database(settings)  # type: ignore[arg-type]
    day = datetime.fromtimestamp(now, UTC).date() - timedelta(days=1)
    everyone = stream_for(engine, None, None, None)
    computed = digest(engine, settings.ranking, now, day_period(day), everyone)  # type: ignore[attr-defined]
    papers = [i.paper for i in computed.items if i.paper is not None][:6]
    with engine.connect() as conn:
        ada, grace = find_user(conn, "ada"), find_user(conn, "grace")
    picks = (PickInput(papers[0].arxiv_id, "The **clearest** argument of the day"),
             PickInput(papers[1].arxiv_id, "Read it with $O(n \\log n)$ in mind"),
             PickInput(papers[2].arxiv_id))  # fmt: skip
    links = (LinkInput("DEMO: Why the bound is tight", "https://blog.demo.invalid/tight", "A. Blogger"),
             LinkInput("DEMO: Notes from the reading group", "https://notes.demo.invalid/group"))  # fmt: skip
    save_curated(engine, ada, CuratedInput("everyone", day.isoformat(), "DEMO editors' picks", INTRO, picks, links,
                                           now - 3600), None, now - 3600)  # fmt: skip
    save_settings(engine, grace, grace, "UTC", "", "zh")
    with fake_translator(Script()) as url:
        chosen = TranslatorSettings("libretranslate", url, None, None, 0.0, 5.0, 3)
        translator = translator_from(chosen, NetworkSettings(allow_private=True))
        assert translator is not None
        translate_papers(engine, translator, "zh", papers, now)
    engine.dispose()
    return day.isoformat(), papers[0].arxiv_id


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    now = int(time.time())
    blocked: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        world = build_demo(Path(folder), 42, now, WorldSize(papers=600, accounts=120, posts=6000, days=10))
        day, paper = _prepare(world.settings, now)
        with served(world.settings, now=now) as base, chromium() as browser:
            for scheme in ("light", "dark"):
                suffix = "-dark" if scheme == "dark" else ""
                for name, size in SIZES.items():
                    page, outside = _signed_in(browser, base, "grace", size, scheme)
                    page.goto(f"{base}/digest/{day}?audience=everyone")
                    page.screenshot(path=OUT / f"digest-curated{suffix}-{name}.png")
                    page.locator("section.curated").screenshot(path=OUT / f"digest-curated-section{suffix}-{name}.png")
                    page.locator("ol.papers.digest > li").first.screenshot(
                        path=OUT / f"digest-translation{suffix}-{name}.png"
                    )
                    page.goto(f"{base}/abs/{paper}")
                    page.screenshot(path=OUT / f"digest-paper-translation{suffix}-{name}.png")
                    page.close()
                    blocked += outside.blocked
                    page, outside = _signed_in(browser, base, "ada", size, scheme)
                    page.goto(f"{base}/digest/{day}/compose?stream=everyone")
                    page.screenshot(path=OUT / f"digest-compose{suffix}-{name}.png", full_page=True)
                    page.close()
                    blocked += outside.blocked
    return finished(blocked)


if __name__ == "__main__":
    raise SystemExit(main())
