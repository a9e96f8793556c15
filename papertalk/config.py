"""Settings, built once at the entry point from the environment and passed down (no import-time globals)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from papertalk.core.ranking import RankingSettings

DEFAULT_DB_NAME = "papertalk.sqlite3"


def default_data_dir(environ: Mapping[str, str]) -> Path:
    """Where papertalk keeps its SQLite file when no database URL is given (XDG data home)."""
    if environ.get("PAPERTALK_HOME"):
        return Path(environ["PAPERTALK_HOME"]).expanduser()
    base = environ.get("XDG_DATA_HOME") or str(Path(environ.get("HOME", ".")) / ".local" / "share")
    return Path(base).expanduser() / "papertalk"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class Settings:
    """Everything configurable. ``database_url`` is a SQLAlchemy URL (sqlite:/// or postgresql+psycopg://)."""

    database_url: str
    ranking: RankingSettings = field(default_factory=RankingSettings)
    import_batch_size: int = 20_000
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    oai_url: str = "https://oaipmh.arxiv.org/oai"
    bluesky_appview_url: str = "https://public.api.bsky.app"
    jetstream_url: str = "wss://jetstream2.us-east.bsky.network/subscribe"

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
        api = env.get("PAPERTALK_ARXIV_API_URL", "https://export.arxiv.org/api/query")
        oai = env.get("PAPERTALK_OAI_URL", "https://oaipmh.arxiv.org/oai")
        return cls(
            database_url=url,
            ranking=ranking,
            import_batch_size=batch,
            arxiv_api_url=api,
            oai_url=oai,
            bluesky_appview_url=env.get("PAPERTALK_BLUESKY_APPVIEW_URL", cls.bluesky_appview_url),
            jetstream_url=env.get("PAPERTALK_JETSTREAM_URL", cls.jetstream_url),
        )

    def with_database(self, url: str) -> Settings:
        return replace(self, database_url=url)
