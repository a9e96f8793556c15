"""Settings, built once at the entry point from the environment and passed down (no import-time globals)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from papertalk.core.ranking import RankingSettings

DEFAULT_DB_NAME = "papertalk.sqlite3"
# Due sources a worker claims at a time: small enough that several workers split a backlog (a claimed
# source waits for those before it in its worker), large enough to save claims (docs/performance.md).
DEFAULT_WORKER_CLAIM_BATCH = 4


def default_data_dir(environ: Mapping[str, str]) -> Path:
    """Where papertalk keeps its SQLite file when no database URL is given (XDG data home)."""
    if environ.get("PAPERTALK_HOME"):
        return Path(environ["PAPERTALK_HOME"]).expanduser()
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
    def from_env(cls, env: Mapping[str, str]) -> NetworkSettings:
        d = cls()
        return cls(
            mastodon_url_template=env.get("PAPERTALK_MASTODON_URL_TEMPLATE", d.mastodon_url_template),
            mastodon_access_token=env.get("PAPERTALK_MASTODON_ACCESS_TOKEN") or None,
            mastodon_token_instance=env.get("PAPERTALK_MASTODON_TOKEN_INSTANCE") or None,
            x_api_url=env.get("PAPERTALK_X_API_URL", d.x_api_url),
            x_bearer_token=env.get("PAPERTALK_X_BEARER_TOKEN") or None,
            hn_search_url=env.get("PAPERTALK_HN_SEARCH_URL", d.hn_search_url),
            reddit_auth_url=env.get("PAPERTALK_REDDIT_AUTH_URL", d.reddit_auth_url),
            reddit_api_url=env.get("PAPERTALK_REDDIT_API_URL", d.reddit_api_url),
            reddit_client_id=env.get("PAPERTALK_REDDIT_CLIENT_ID") or None,
            reddit_client_secret=env.get("PAPERTALK_REDDIT_CLIENT_SECRET") or None,
            min_interval=float(env.get("PAPERTALK_FETCH_MIN_INTERVAL", d.min_interval)),
            timeout=float(env.get("PAPERTALK_FETCH_TIMEOUT", d.timeout)),
            user_agent=env.get("PAPERTALK_FETCH_USER_AGENT", d.user_agent),
            allow_private=env.get("PAPERTALK_FETCH_ALLOW_PRIVATE", "").lower() in ("1", "true", "yes"),
        )


REGISTRATION_MODES = ("closed", "invite", "open")


@dataclass(frozen=True)
class PeopleSettings:
    """Who may sign up, where links point, how long a sign-in lasts (see docs/people.md)."""

    registration: str = "closed"  # closed: admins invite; invite: every user may invite; open: anyone signs up
    public_base_url: str = "http://127.0.0.1:8000"  # invitation links; https here makes the cookie Secure
    session_days: float = 30.0  # a sign-in ends this long after it began
    session_idle_days: float = 7.0  # or this long after its last use

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> PeopleSettings:
        d = cls()
        registration = env.get("PAPERTALK_REGISTRATION", d.registration)
        if registration not in REGISTRATION_MODES:
            choices = ", ".join(REGISTRATION_MODES)
            raise ValueError(f"PAPERTALK_REGISTRATION must be one of {choices}, got {registration!r}")
        days = {}
        for name, default in (("SESSION_DAYS", d.session_days), ("SESSION_IDLE_DAYS", d.session_idle_days)):
            raw = env.get(f"PAPERTALK_{name}", str(default))
            try:
                days[name] = float(raw)
            except ValueError:
                days[name] = -1.0
            if not days[name] > 0:
                raise ValueError(f"PAPERTALK_{name} must be a positive number of days, got {raw!r}")
        return cls(
            registration=registration,
            public_base_url=env.get("PAPERTALK_PUBLIC_BASE_URL", d.public_base_url).rstrip("/"),
            session_days=days["SESSION_DAYS"],
            session_idle_days=days["SESSION_IDLE_DAYS"],
        )


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

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        url = env.get("PAPERTALK_DATABASE_URL")
        if not url:
            url = sqlite_url(default_data_dir(env) / DEFAULT_DB_NAME)
        ranking = RankingSettings.from_mapping(
            {k[len("PAPERTALK_RANKING_") :].lower(): v for k, v in env.items() if k.startswith("PAPERTALK_RANKING_")}
        )
        batch = int(env.get("PAPERTALK_IMPORT_BATCH_SIZE", "20000"))
        if batch < 1:
            raise ValueError(f"PAPERTALK_IMPORT_BATCH_SIZE must be a positive number of lines, got {batch}")
        claim_batch = int(env.get("PAPERTALK_WORKER_CLAIM_BATCH", DEFAULT_WORKER_CLAIM_BATCH))
        if claim_batch < 1:
            raise ValueError(f"PAPERTALK_WORKER_CLAIM_BATCH must be a positive number of sources, got {claim_batch}")
        api = env.get("PAPERTALK_ARXIV_API_URL", "https://export.arxiv.org/api/query")
        oai = env.get("PAPERTALK_OAI_URL", "https://oaipmh.arxiv.org/oai")
        networks = NetworkSettings.from_env(env)
        return cls(
            database_url=url,
            ranking=ranking,
            import_batch_size=batch,
            worker_claim_batch=claim_batch,
            arxiv_api_url=api,
            oai_url=oai,
            bluesky_appview_url=env.get("PAPERTALK_BLUESKY_APPVIEW_URL", cls.bluesky_appview_url),
            jetstream_url=env.get("PAPERTALK_JETSTREAM_URL", cls.jetstream_url),
            networks=networks,
            people=PeopleSettings.from_env(env),
        )

    def with_database(self, url: str) -> Settings:
        return replace(self, database_url=url)
