"""Settings, built once at the entry point from the environment and passed down (no import-time globals).

The values here are plain frozen dataclasses; ``config.environment`` reads and checks the variables
(pydantic-settings), so a bad one stops the command with a line naming it (``SettingsError``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from papertalk.config.environment import (
    DEFAULT_WORKER_CLAIM_BATCH,
    REGISTRATION_MODES,
    EnvironmentSettings,
    SettingsError,
    database_url_problem,
    read,
)
from papertalk.core.ranking import RankingSettings, Window
from papertalk.core.records import PostKind

__all__ = [
    "DEFAULT_WORKER_CLAIM_BATCH",
    "REGISTRATION_MODES",
    "EmbedderSettings",
    "LibrarySettings",
    "MailSettings",
    "NetworkSettings",
    "PeopleSettings",
    "Settings",
    "SettingsError",
    "TranslatorSettings",
    "WebConfig",
    "default_data_dir",
    "sqlite_url",
]

DEFAULT_DB_NAME = "papertalk.sqlite3"


def default_data_dir(environ: Mapping[str, str], home: str | None = None) -> Path:
    """Where papertalk keeps its SQLite file when no database URL is given: ``home`` (PAPERTALK_HOME),
    else the XDG data home."""
    if home:
        return Path(home).expanduser()
    base = environ.get("XDG_DATA_HOME") or str(Path(environ.get("HOME", ".")) / ".local" / "share")
    return Path(base).expanduser() / "papertalk"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class NetworkSettings:
    """Where the Mastodon, X, Hacker News, Reddit and RSS fetchers go, with which credentials, how politely.

    Base URLs are settings so tests (and mirrors) can point them elsewhere; credentials are optional
    (a fetcher that needs a missing one says so when it runs). See docs/settings.md.
    """

    mastodon_url_template: str = "https://{instance}"
    mastodon_access_token: str | None = None
    mastodon_token_instance: str | None = None  # the one instance the token is sent to
    x_api_url: str = "https://api.x.com"
    x_bearer_token: str | None = None
    hn_search_url: str = "https://hn.algolia.com/api/v1"
    reddit_auth_url: str = "https://www.reddit.com"
    reddit_api_url: str = "https://oauth.reddit.com"
    reddit_client_id: str | None = None
    reddit_client_secret: str | None = None
    min_interval: float = 1.0
    timeout: float = 20.0
    max_attempts: int = 4
    max_wait: float = 900.0
    user_agent: str = "papertalk/0.1 (+https://github.com/papertalk; research paper tracker)"
    allow_private: bool = False  # let fetchers reach loopback and private addresses (tests, local mirrors)

    @classmethod
    def from_environment(cls, env: EnvironmentSettings) -> NetworkSettings:
        return cls(
            mastodon_url_template=env.mastodon_url_template,
            mastodon_access_token=env.mastodon_access_token or None,
            mastodon_token_instance=env.mastodon_token_instance or None,
            x_api_url=env.x_api_url,
            x_bearer_token=env.x_bearer_token or None,
            hn_search_url=env.hn_search_url,
            reddit_auth_url=env.reddit_auth_url,
            reddit_api_url=env.reddit_api_url,
            reddit_client_id=env.reddit_client_id or None,
            reddit_client_secret=env.reddit_client_secret or None,
            min_interval=env.fetch_min_interval,
            timeout=env.fetch_timeout,
            user_agent=env.fetch_user_agent,
            allow_private=env.fetch_allow_private,
        )


@dataclass(frozen=True)
class PeopleSettings:
    """Who may sign up, where links point, how long a sign-in lasts (see docs/people.md)."""

    registration: str = "closed"  # closed: admins invite; invite: every user may invite; open: anyone signs up
    public_base_url: str = "http://127.0.0.1:8000"  # invitation links; https here makes the cookie Secure
    session_days: float = 30.0  # a sign-in ends this long after it began
    session_idle_days: float = 7.0  # or this long after its last use

    @classmethod
    def from_environment(cls, env: EnvironmentSettings) -> PeopleSettings:
        return cls(
            registration=env.registration,
            public_base_url=env.public_base_url.rstrip("/"),
            session_days=env.session_days,
            session_idle_days=env.session_idle_days,
        )


@dataclass(frozen=True)
class LibrarySettings:
    """Summaries and their discussion, and lists' attention (``PAPERTALK_LIBRARY_*``, see docs/notes.md and
    docs/lists.md)."""

    summaries_count: bool = True  # a public summary counts as a post of platform papertalk by its author
    new_account_comments_per_hour: int = 10  # how many comments an account younger than new_account_days may post
    new_account_days: float = 7.0
    lists_count: bool = True  # a paper on a public list counts as a post of platform papertalk by who added it

    @classmethod
    def from_environment(cls, env: EnvironmentSettings) -> LibrarySettings:
        return cls(
            env.library_summaries_count,
            env.library_new_account_comments_per_hour,
            env.library_new_account_days,
            env.library_lists_count,
        )


@dataclass(frozen=True)
class MailSettings:
    """The SMTP server digests go out through (``PAPERTALK_SMTP_*``, ``PAPERTALK_MAIL_FROM``; docs/settings.md).
    Links in messages are absolute, on ``PeopleSettings.public_base_url``."""

    host: str | None = None  # None: mail is off (`digest send` says so)
    port: int = 587
    security: str = "starttls"  # starttls, tls (implicit, port 465) or none
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0
    sender: str = "papertalk <papertalk@localhost>"
    lease_seconds: int = 300  # a worker's claim on outbox rows; a dead worker's rows go out after it

    @classmethod
    def from_environment(cls, env: EnvironmentSettings) -> MailSettings:
        return cls(env.smtp_host or None, env.smtp_port, env.smtp_security, env.smtp_user or None,
                   env.smtp_password or None, env.smtp_timeout, env.mail_from, env.mail_lease_seconds)  # fmt: skip


@dataclass(frozen=True)
class TranslatorSettings:
    """Who translates digest papers (``PAPERTALK_TRANSLATOR_*``, see docs/digests.md); kind "none": nobody."""

    kind: str = "none"  # none, libretranslate or openai
    url: str | None = None
    api_key: str | None = None
    model: str | None = None
    min_interval: float = 1.0  # seconds between the starts of two requests
    timeout: float = 60.0
    max_attempts: int = 4  # tries of one request (backoff between them) before this round gives up on it

    @classmethod
    def from_environment(cls, env: EnvironmentSettings) -> TranslatorSettings:
        missing = [
            f"PAPERTALK_{name} is not set: PAPERTALK_TRANSLATOR={env.translator} needs it (see docs/settings.md)"
            for name, value, needed in (
                ("TRANSLATOR_URL", env.translator_url, env.translator != "none"),
                ("TRANSLATOR_MODEL", env.translator_model, env.translator == "openai"),
            )
            if needed and not value
        ]
        if missing:
            raise SettingsError(missing)
        return cls(env.translator, env.translator_url, env.translator_api_key or None, env.translator_model,
                   env.translator_min_interval, env.translator_timeout, env.translator_max_attempts)  # fmt: skip


@dataclass(frozen=True)
class EmbedderSettings:
    """Which sentence-embedding model gives papers semantic vectors (``PAPERTALK_EMBEDDER_*``, see
    docs/discover.md); kind "none": none, everything lexical."""

    kind: str = "none"  # none or wordllama
    model: str = "l2_supercat"  # the model's configuration (WordLlama ships l2_supercat in its wheel)
    dim: int = 256  # its first ``dim`` dimensions (WordLlama's are nested: 64 and 128 are truncations)

    @property
    def on(self) -> bool:
        return self.kind != "none"

    @property
    def model_key(self) -> str:
        """What stored vectors are labelled with: vectors of another model or size are never compared."""
        return f"{self.kind}:{self.model}:{self.dim}"


@dataclass(frozen=True)
class WebConfig:
    """The ``PAPERTALK_WEB_*`` values as set; ``web.state`` turns them into the web app's settings."""

    network: str | None = None  # the network "my network" means; None: the first one defined
    base_url: str | None = None  # None: the address served on
    cache_seconds: int = 60
    render_cache_seconds: int = 15


@dataclass(frozen=True)
class Settings:
    """Everything configurable. ``database_url`` is a SQLAlchemy URL (sqlite:/// or postgresql+psycopg://)."""

    database_url: str
    ranking: RankingSettings = field(default_factory=RankingSettings)
    import_batch_size: int = 20_000
    worker_claim_batch: int = DEFAULT_WORKER_CLAIM_BATCH
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    oai_url: str = "https://oaipmh.arxiv.org/oai"
    bluesky_appview_url: str = "https://public.api.bsky.app"
    jetstream_url: str = "wss://jetstream2.us-east.bsky.network/subscribe"
    networks: NetworkSettings = field(default_factory=NetworkSettings)
    people: PeopleSettings = field(default_factory=PeopleSettings)
    library: LibrarySettings = field(default_factory=LibrarySettings)
    mail: MailSettings = field(default_factory=MailSettings)
    translator: TranslatorSettings = field(default_factory=TranslatorSettings)
    embedder: EmbedderSettings = field(default_factory=EmbedderSettings)

    web: WebConfig = field(default_factory=WebConfig)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check every ``PAPERTALK_*`` variable; raises SettingsError naming each bad one."""
        env = os.environ if environ is None else environ
        values = read(env)
        return cls(
            database_url=values.database_url or sqlite_url(default_data_dir(env, values.home) / DEFAULT_DB_NAME),
            ranking=ranking_settings(values),
            import_batch_size=values.import_batch_size,
            worker_claim_batch=values.worker_claim_batch,
            arxiv_api_url=values.arxiv_api_url,
            oai_url=values.oai_url,
            bluesky_appview_url=values.bluesky_appview_url,
            jetstream_url=values.jetstream_url,
            networks=NetworkSettings.from_environment(values),
            people=PeopleSettings.from_environment(values),
            library=LibrarySettings.from_environment(values),
            mail=MailSettings.from_environment(values),
            translator=TranslatorSettings.from_environment(values),
            embedder=EmbedderSettings(values.embedder, values.embedder_model, values.embedder_dim),
            web=WebConfig(
                network=values.web_network or None,
                base_url=values.web_base_url or None,
                cache_seconds=values.web_cache_seconds,
                render_cache_seconds=values.web_render_cache_seconds,
            ),
        )

    def with_database(self, url: str) -> Settings:
        """These settings on the database ``url`` (``--database``); raises SettingsError for a bad URL."""
        problem = database_url_problem(url)
        if problem:
            raise SettingsError([f"--database {url!r} is not valid: it {problem}"])
        return replace(self, database_url=url)


def ranking_settings(values: EnvironmentSettings) -> RankingSettings:
    """Kind weights and windows from the checked ``PAPERTALK_RANKING_*`` values."""
    weights = {kind: values.weight(kind) for kind in PostKind}
    windows = tuple(Window(w.name, *values.window_seconds(w.name)) for w in RankingSettings().windows)
    return RankingSettings(weights=weights, windows=windows)
