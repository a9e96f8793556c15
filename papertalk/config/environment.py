"""Reading and checking every ``PAPERTALK_*`` environment variable, with pydantic-settings.

One model lists each variable with its type, its bounds and its default; a bad value becomes a
``SettingsError`` whose lines each name one variable, what it holds and what to set it to (the CLI
prints them and exits 2, never a traceback). Only the entry point calls this, through
``Settings.from_env``; nothing else reads the environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings.sources.utils import parse_env_vars

from papertalk.core.ranking import DEFAULT_WEIGHTS, DEFAULT_WINDOWS, parse_duration
from papertalk.core.records import PostKind

PREFIX = "PAPERTALK_"
RANKING_PREFIX = PREFIX + "RANKING_"
NO_DURATION = ("", "none", "off")
DOCS = "see docs/settings.md"
# Who may sign up: closed (admins invite), invite (every user may invite), open (anyone).
RegistrationMode = Literal["closed", "invite", "open"]
# How the SMTP connection is protected: STARTTLS after connecting, TLS from the start (port 465), or none.
SmtpSecurity = Literal["starttls", "tls", "none"]
# Who translates digest papers' titles and abstracts (docs/digests.md): nobody, a LibreTranslate-style API
# or an OpenAI-style chat-completions endpoint.
TranslatorKind = Literal["none", "libretranslate", "openai"]
# Which sentence-embedding model gives similar papers and For you semantic vectors (docs/discover.md): none
# (the lexical path only) or WordLlama (the extra papertalk[embed]).
EmbedderKind = Literal["none", "wordllama"]
REGISTRATION_MODES: tuple[str, ...] = get_args(RegistrationMode)
# Due sources a worker claims at a time: small enough that several workers split a backlog (a claimed
# source waits for those before it in its worker), large enough to save claims (docs/performance.md).
DEFAULT_WORKER_CLAIM_BATCH = 4


class SettingsError(ValueError):
    """Bad settings: one line per variable, each naming it and saying what to set it to."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _duration(raw: object) -> object:
    """``36h``, ``3d``, ``90m`` or seconds; ``none``/``off``/empty means no limit (None)."""
    if isinstance(raw, str):
        return None if raw.strip().lower() in NO_DURATION else parse_duration(raw)
    return raw


def _url(*schemes: str) -> AfterValidator:
    def check(value: str) -> str:
        if not value.startswith(tuple(f"{scheme}://" for scheme in schemes)):
            raise ValueError(f"must start with {' or '.join(s + '://' for s in schemes)}")
        return value

    return AfterValidator(check)


def database_url_problem(url: str) -> str | None:
    """Why ``url`` is not a database papertalk can open (None when it is one)."""
    if url.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:")):
        return None
    return "must be a sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB URL"


def _database_url(value: str | None) -> str | None:
    problem = None if value is None else database_url_problem(value)
    if problem:
        raise ValueError(problem)
    return value


Duration = Annotated[int | None, BeforeValidator(_duration)]
Weight = Annotated[float, Field(ge=0, le=100, description="a weight between 0 and 100")]
HttpUrl = Annotated[str, _url("http", "https"), Field(description="an http:// or https:// URL")]
Seconds = Annotated[int, Field(ge=0, description="a whole number of seconds, 0 or more")]
Interval = Annotated[float, Field(ge=0, description="a number of seconds, 0 or more")]
DURATION_HINT = "a duration such as 90m, 36h, 3d, 2w or seconds, or none for no limit"
WINDOWS = {window.name: window for window in DEFAULT_WINDOWS}


class EnvironmentSettings(BaseSettings):
    """Every ``PAPERTALK_*`` variable (the field name, upper-cased, after the prefix); see docs/settings.md."""

    # An empty variable counts as unset (as the hand parsing before did for the URL and the tokens).
    model_config = SettingsConfigDict(
        env_prefix=PREFIX, case_sensitive=False, env_ignore_empty=True, extra="ignore", frozen=True
    )

    database_url: Annotated[str | None, AfterValidator(_database_url)] = Field(
        None, description="a sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB URL"
    )
    home: str | None = Field(None, description="a folder for the default SQLite file")
    import_batch_size: int = Field(20_000, ge=1, description="a positive whole number of lines per transaction")
    worker_claim_batch: int = Field(
        DEFAULT_WORKER_CLAIM_BATCH, ge=1, description="a positive whole number of due sources a worker claims at a time"
    )
    arxiv_api_url: HttpUrl = "https://export.arxiv.org/api/query"
    oai_url: HttpUrl = "https://oaipmh.arxiv.org/oai"
    bluesky_appview_url: HttpUrl = "https://public.api.bsky.app"
    jetstream_url: Annotated[str, _url("ws", "wss"), Field(description="a ws:// or wss:// URL")] = (
        "wss://jetstream2.us-east.bsky.network/subscribe"
    )

    ranking_weight_post: Weight = DEFAULT_WEIGHTS[PostKind.POST]
    ranking_weight_quote: Weight = DEFAULT_WEIGHTS[PostKind.QUOTE]
    ranking_weight_reply: Weight = DEFAULT_WEIGHTS[PostKind.REPLY]
    ranking_weight_repost: Weight = DEFAULT_WEIGHTS[PostKind.REPOST]
    ranking_half_life_today: Duration = Field(WINDOWS["today"].half_life, description=DURATION_HINT)
    ranking_half_life_week: Duration = Field(WINDOWS["week"].half_life, description=DURATION_HINT)
    ranking_half_life_month: Duration = Field(WINDOWS["month"].half_life, description=DURATION_HINT)
    ranking_half_life_all: Duration = Field(WINDOWS["all"].half_life, description=DURATION_HINT)
    ranking_length_today: Duration = Field(WINDOWS["today"].length, description=DURATION_HINT)
    ranking_length_week: Duration = Field(WINDOWS["week"].length, description=DURATION_HINT)
    ranking_length_month: Duration = Field(WINDOWS["month"].length, description=DURATION_HINT)
    ranking_length_all: Duration = Field(WINDOWS["all"].length, description=DURATION_HINT)

    mastodon_url_template: HttpUrl = "https://{instance}"  # {instance} may be left out: one server for all
    mastodon_access_token: str | None = None
    mastodon_token_instance: str | None = None  # the one instance the token is sent to
    x_api_url: HttpUrl = "https://api.x.com"
    x_bearer_token: str | None = None
    hn_search_url: HttpUrl = "https://hn.algolia.com/api/v1"
    reddit_auth_url: HttpUrl = "https://www.reddit.com"
    reddit_api_url: HttpUrl = "https://oauth.reddit.com"
    reddit_client_id: str | None = None
    reddit_client_secret: str | None = None
    fetch_min_interval: Interval = 1.0
    # Let fetchers reach loopback and private addresses (tests, local mirrors); off: the SSRF guard refuses them.
    fetch_allow_private: bool = Field(False, description="1 or 0 (true or false)")
    fetch_timeout: float = Field(20.0, gt=0, description="a number of seconds above 0")
    fetch_user_agent: str = Field(
        "papertalk/0.1 (+https://github.com/papertalk; research paper tracker)",
        min_length=1,
        description="a non-empty User-Agent",
    )

    # People (docs/people.md): who may sign up, where links point, how long a sign-in lasts.
    registration: RegistrationMode = Field("closed", description="closed, invite or open")
    public_base_url: HttpUrl = "http://127.0.0.1:8000"
    session_days: float = Field(30.0, gt=0, description="a positive number of days")
    session_idle_days: float = Field(7.0, gt=0, description="a positive number of days")

    # The library (docs/notes.md): whether public summaries count as posts, and new accounts' comment pace.
    library_summaries_count: bool = Field(True, description="1 or 0 (true or false)")
    library_new_account_comments_per_hour: int = Field(10, ge=0, description="a whole number, 0 or more")
    library_new_account_days: float = Field(7.0, ge=0, description="a number of days, 0 or more")
    library_lists_count: bool = Field(True, description="1 or 0 (true or false)")

    # Digest email (docs/digests.md): the SMTP server the worker hands messages to. No host: no mail.
    smtp_host: str | None = None
    smtp_port: int = Field(587, ge=1, le=65535, description="a port number from 1 to 65535")
    smtp_security: SmtpSecurity = Field("starttls", description="starttls, tls or none")
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_timeout: float = Field(30.0, gt=0, description="a number of seconds above 0")
    # How long a worker's claim on outbox rows lasts: a dead worker's messages go out after it.
    mail_lease_seconds: int = Field(300, ge=1, description="a whole number of seconds, 1 or more")
    mail_from: str = Field(
        "papertalk <papertalk@localhost>",
        pattern=r"^[^\r\n]*@[^\r\n]*$",
        description="an address such as 'papertalk <digest@example.org>'",
    )

    # Translation of digest papers (docs/digests.md): which translator, where, how politely.
    translator: TranslatorKind = Field("none", description="none, libretranslate or openai")
    translator_url: HttpUrl | None = None
    translator_api_key: str | None = None
    translator_model: str | None = None  # the chat model (openai)
    translator_min_interval: Interval = 1.0
    translator_timeout: float = Field(60.0, gt=0, description="a number of seconds above 0")
    translator_max_attempts: int = Field(4, ge=1, le=20, description="a whole number of tries from 1 to 20")

    # Semantic vectors (docs/discover.md): which model, which of its configurations, how many dimensions.
    embedder: EmbedderKind = Field("none", description="none or wordllama")
    embedder_model: str = Field("l2_supercat", pattern=r"^[a-z0-9_]{1,40}$", description="a model name")
    embedder_dim: int = Field(256, description="64, 128 or 256")

    @field_validator("embedder_dim")
    @classmethod
    def _nested_dimension(cls, dim: int) -> int:
        if dim not in (64, 128, 256):
            raise ValueError("the model's nested sizes are 64, 128 and 256")
        return dim

    web_network: str | None = None
    web_base_url: HttpUrl | None = None
    web_cache_seconds: Seconds = 60
    web_render_cache_seconds: Seconds = 15

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Only what ``read`` hands over: no .env file or secrets folder papertalk never documented.
        return (init_settings,)

    def window_seconds(self, name: str) -> tuple[int | None, int | None]:
        """(length, half-life) of the window ``name`` as set."""
        return getattr(self, f"ranking_length_{name}"), getattr(self, f"ranking_half_life_{name}")

    def weight(self, kind: PostKind) -> float:
        value = getattr(self, f"ranking_weight_{kind.value}")
        assert isinstance(value, float)
        return value


class _MappingSource(EnvSettingsSource):
    """The environment source of pydantic-settings over a given mapping instead of ``os.environ``, so the
    entry point (and each test) passes the environment it means."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(self._environ, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str)


def variable(field_name: str) -> str:
    return PREFIX + field_name.upper()


def _line(error: Any, environ: Mapping[str, str]) -> str:
    name = str(error["loc"][0]) if error["loc"] else "?"
    field = EnvironmentSettings.model_fields.get(name)
    expected = f"; expected {field.description}" if field is not None and field.description else ""
    reason = str(error["msg"]).removeprefix("Value error, ")
    given = {key.upper(): value for key, value in environ.items()}.get(variable(name), error.get("input"))
    return f"{variable(name)}={given!r} is not valid: {reason[:1].lower()}{reason[1:]}{expected} ({DOCS})"


def _unknown_ranking_names(environ: Mapping[str, str]) -> list[str]:
    known = {variable(name) for name in EnvironmentSettings.model_fields if name.startswith("ranking_")}
    return [
        f"{key} is not a ranking setting: use one of {', '.join(sorted(known))} ({DOCS})"
        for key in sorted(environ)
        if key.upper().startswith(RANKING_PREFIX) and key.upper() not in known
    ]


def read(environ: Mapping[str, str]) -> EnvironmentSettings:
    """Every ``PAPERTALK_*`` value of ``environ``, checked; raises SettingsError listing each bad one."""
    problems = _unknown_ranking_names(environ)
    found = _MappingSource(EnvironmentSettings, environ)()
    try:
        values = EnvironmentSettings(**found)
    except ValidationError as error:
        raise SettingsError(problems + [_line(e, environ) for e in error.errors()]) from None
    if problems:
        raise SettingsError(problems)
    return values
