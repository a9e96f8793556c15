"""What every request handler shares: settings, the engine, the clock, the templates, cached site facts."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from papertalk.config import Settings, WebConfig
from papertalk.core.shown_text import has_bidi_controls, link_target, without_bidi_controls
from papertalk.core.xml_chars import xml_legal
from papertalk.fetching.pages import FetcherRegistry
from papertalk.services.capture.fetchers import build_registry
from papertalk.services.library.discussion import unread
from papertalk.services.pages.trending_page import SiteFacts, site_facts
from papertalk.services.people.person_settings import settings_of
from papertalk.services.people.sessions import form_secret
from papertalk.storage.engine import Engine
from papertalk.web import formatting
from papertalk.web.http_cache import etagged
from papertalk.web.math_text import math_html, split_abstract
from papertalk.web.post_html import post_html
from papertalk.web.render_cache import RenderCache, etag_of
from papertalk.web.summary_html import summary_card
from papertalk.web.viewer import form_token_of, set_nonce_cookie, viewer_of

HERE = Path(__file__).parent
FACTS_SECONDS = 300
PERSONAL_ENTRIES = 500  # signed-in pages kept per process (~60 KB each: at most ~30 MB)
HTML = "text/html; charset=utf-8"  # spelled out: the render cache repeats it as given, Starlette would add it
ATOM = "application/atom+xml; charset=utf-8"


@dataclass(frozen=True)
class WebSettings:
    """Settings of the web app (``PAPERTALK_WEB_*``, see docs/web.md)."""

    network: str | None = None  # the network "my network" means; default: the first one defined
    base_url: str = "http://127.0.0.1:8000"  # for canonical links and feeds
    cache_seconds: int = 60  # Cache-Control max-age of pages and API answers
    render_cache_seconds: int = 15  # how long a rendered page is reused for the same URL (0: never)
    demo_label: str | None = None  # overrides the demo marking the database holds


@dataclass
class WebState:
    settings: Settings
    web: WebSettings
    engine: Engine
    network: str | None
    clock: Callable[[], float] = time.time
    env: Environment = field(init=False)
    _facts: tuple[float, SiteFacts] | None = None
    _form_secret: str | None = None
    _registry: FetcherRegistry | None = None
    cache: RenderCache = field(init=False)
    personal_cache: RenderCache = field(init=False)  # signed-in readers' pages (web.personal_cache)

    def __post_init__(self) -> None:
        self.cache = RenderCache(self.web.render_cache_seconds)
        self.personal_cache = RenderCache(self.web.render_cache_seconds, PERSONAL_ENTRIES)
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html", "xml", "atom"]),
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # the templates ship with the package: no stat() of each file per render
            finalize=shown_value,
        )
        self.env.filters.update(
            math=math_html,
            utc=formatting.utc_in_zone,
            iso=formatting.iso,
            day=formatting.day_in_zone,
        )
        self.env.globals.update(
            time_tag=formatting.time_tag_in_zone,
            post_html=post_html,
            summary_card=summary_card,
            page_numbers=formatting.page_numbers,
            chart_svg=formatting.chart_svg,
            fold_authors=formatting.fold_authors,
            with_params=formatting.with_params,
            split_abstract=split_abstract,
            link_target=link_target,
            unread_notifications=lambda user: unread(self.engine, user),
        )

    def now(self) -> int:
        return int(self.clock())

    def facts(self) -> SiteFacts:
        """Categories, platforms and demo marking, re-read at most every few minutes."""
        moment = time.monotonic()
        if self._facts is None or moment - self._facts[0] > FACTS_SECONDS:
            self._facts = (moment, site_facts(self.engine))
        return self._facts[1]

    def form_secret(self) -> str:
        """The instance's secret for form tokens, read (or made) once per process."""
        if self._form_secret is None:
            self._form_secret = form_secret(self.engine)
        return self._form_secret

    def registry(self) -> FetcherRegistry:
        """The platforms' account look-ups (following an account from the settings page), made once."""
        if self._registry is None:
            self._registry = build_registry(self.settings)
        return self._registry

    def canonical(self, request: Request) -> str:
        query = request.url.query
        return self.web.base_url.rstrip("/") + request.url.path + (f"?{query}" if query else "")

    def remember(self, request: Request, body: bytes, media_type: str, status_code: int) -> str:
        """Keep a 200 answer for the render cache; returns its ETag."""
        tag = etag_of(body)
        if status_code == 200:
            self.cache.put(str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""), body,
                           media_type, tag)  # fmt: skip
        return tag

    def render(
        self,
        request: Request,
        template: str,
        status_code: int = 200,
        media_type: str = HTML,
        personal: bool = False,
        **context: Any,
    ) -> Response:
        """A page; ``personal`` (a form, or anything shown to a signed-in reader) is never kept by the
        render cache nor by any browser or proxy cache, so no one is served another person's page."""
        facts = self.facts()
        viewer = viewer_of(request, self)
        personal = personal or viewer.user is not None
        page = self.env.get_template(template).render(
            request=request,
            params=dict(request.query_params),
            canonical=self.canonical(request),
            demo=self.web.demo_label or facts.demo,
            facts=facts,
            network=self.network,
            now=self.now(),
            viewer=viewer.user,
            zone=settings_of(self.engine, viewer.user).zone() if viewer.user else None,  # dates in their timezone
            csrf=form_token_of(self, viewer) if personal else "",
            **context,
        )
        if media_type == ATOM:  # one forbidden character (from any captured text) would break the whole feed
            page = xml_legal(page)
        body = page.encode()
        if personal:
            answer = Response(body, status_code=status_code, media_type=media_type,
                              headers={"Cache-Control": "private, no-store", "Vary": "Cookie"})  # fmt: skip
            set_nonce_cookie(answer, self, viewer)
            return answer
        tag = self.remember(request, body, media_type, status_code)
        return etagged(request, body, media_type, self.web.cache_seconds, status_code, tag)


def shown_value(value: Any) -> Any:
    """Every value a template writes out, without bidirectional controls: whatever captured or fetched
    text it comes from (a name, a title, a query), it cannot reverse the page around it."""
    if not isinstance(value, str) or not has_bidi_controls(value):  # nearly always: no copy, no new Markup
        return value
    if isinstance(value, Markup):  # already escaped HTML: dropping characters cannot create markup
        return Markup(without_bidi_controls(value))
    return without_bidi_controls(value)


def state_of(request: Request) -> WebState:
    found = request.app.state.web
    assert isinstance(found, WebState)
    return found


def web_settings_from(config: WebConfig, base_url: str | None = None) -> WebSettings:
    """The web app's settings from the checked ``PAPERTALK_WEB_*`` values; ``base_url`` is the address served on."""
    return WebSettings(
        network=config.network,
        base_url=config.base_url or base_url or WebSettings.base_url,
        cache_seconds=config.cache_seconds,
        render_cache_seconds=config.render_cache_seconds,
    )
