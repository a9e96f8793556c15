"""The schema as SQLAlchemy Core tables. Migrations create it; queries read and write it.

Times are UTC epoch seconds in BIGINT columns: portable, compact, and cheap for the ranking's arithmetic.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

papers = Table(
    "papers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("arxiv_id", String(64), nullable=False, unique=True),
    Column("title", Text),
    Column("authors", Text),  # JSON array of names, in order
    Column("abstract", Text),
    Column("categories", Text),  # space-separated, primary first (arXiv's own convention)
    Column("published_at", BigInteger),
    Column("updated_at", BigInteger),
    Column("latest_version", Integer),
    Column("metadata_at", BigInteger),  # when the metadata was last filled in; NULL = known by id only
    Column("doi", Text),
    Column("journal_ref", Text),
    Column("comments", Text),
    Column("versions", Text),  # JSON [[version, submitted at], ...], oldest first
    # Enrichment: NULL never asked, "ok", "unknown" (arXiv does not know the id: asked again later,
    # with growing delays, until it gives up) or "stale" (a post cited a newer version than we hold: asked
    # again soon); next_fetch_at says when a pending paper may be asked.
    Column("fetch_state", String(16)),
    Column("fetch_attempts", Integer, nullable=False, server_default="0"),
    Column("next_fetch_at", BigInteger),
    # Also ix_papers_title_lower on lower(title) (migration 0022; an expression index, which SQLAlchemy
    # does not reflect on SQLite, so it is not declared here): a list import's talk titles in one lookup.
    Index(
        "ix_papers_pending",
        "next_fetch_at",
        "id",
        sqlite_where=text("metadata_at IS NULL"),
        postgresql_where=text("metadata_at IS NULL"),
    ),
    # "stale": a post cited a newer version than the stored metadata knows; enrichment asks again.
    Index(
        "ix_papers_stale",
        "id",
        sqlite_where=text("fetch_state = 'stale'"),
        postgresql_where=text("fetch_state = 'stale'"),
    ),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(32), nullable=False),
    Column("platform_id", String(512), nullable=False),
    Column("handle", Text),
    Column("display_name", Text),
    Column("blocked", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("platform", "platform_id", name="uq_accounts_platform_id"),
    # Rankings exclude blocked accounts on every query: a tiny partial index finds them without a scan.
    Index("ix_accounts_blocked", "id", sqlite_where=text("blocked"), postgresql_where=text("blocked")),
)

posts = Table(
    "posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(32), nullable=False),
    Column("post_id", String(512), nullable=False),
    # NULL account / time / kind: a placeholder for an original known only by reference, completed later.
    Column("account_id", Integer, ForeignKey("accounts.id")),
    Column("created_at", BigInteger),
    Column("kind", String(8)),
    Column("original_id", Integer, ForeignKey("posts.id")),
    Column("text", Text),
    Column("url", Text),
    Column("links", Text),  # JSON array
    Column("lang", String(35)),
    Column("platform_score", Integer),
    UniqueConstraint("platform", "post_id", name="uq_posts_platform_post_id"),
    # Only reposts, quotes and replies point to an original; the others need no index entry.
    Index(
        "ix_posts_original_id",
        "original_id",
        sqlite_where=text("original_id IS NOT NULL"),
        postgresql_where=text("original_id IS NOT NULL"),
    ),
    Index("ix_posts_created_at", "created_at", "id"),  # the posts page: newest first (migration 0007)
)

mentions = Table(
    "mentions",
    metadata,
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("paper_id", Integer, ForeignKey("papers.id"), primary_key=True),
    Column("version", Integer),  # the version the post cited, if it named one
    # Denormalized from the post so per-paper counts in a window and audience need no join.
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("kind_bit", SmallInteger, nullable=False),
    Column("inherited", Boolean, nullable=False, server_default=false()),  # came from a repost/quote's original
    # The web pages' per-paper counts, charts and best posts, read from the index alone (migration 0007);
    # it also serves lookups by paper and time (0009 dropped the narrower index that did).
    Index("ix_mentions_paper_cover", "paper_id", "created_at", "kind_bit", "account_id", "post_id"),
    sqlite_with_rowid=False,  # clustered on the primary key: one B-tree fewer to update per mention
)

# Mentions per paper, UTC day (created_at // 86400) and kind bit, of accounts that are not blocked: the pages'
# counts and day charts read these instead of every mention of a hot paper (storage.ranking.mention_days keeps
# them equal to a direct count; migration 0008).
paper_day_mentions = Table(
    "paper_day_mentions",
    metadata,
    Column("paper_id", Integer, ForeignKey("papers.id"), primary_key=True),
    Column("day", Integer, primary_key=True),
    Column("kind_bit", SmallInteger, primary_key=True),
    Column("mentions", Integer, nullable=False),
    sqlite_with_rowid=False,
)

# One row per (paper, account): the account's vote, maintained on every ingest with MIN(first_at) and a
# bitwise OR of kinds, so applying the same mention twice, or out of order, gives the same row.
votes = Table(
    "votes",
    metadata,
    Column("paper_id", Integer, ForeignKey("papers.id"), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), primary_key=True),
    Column("first_at", BigInteger, nullable=False),
    Column("kinds", SmallInteger, nullable=False),
    # Covering index for "all votes in a window": the trending scan never touches the table itself.
    Index("ix_votes_window", "first_at", "paper_id", "kinds", "account_id"),
    Index("ix_votes_account", "account_id", "first_at", "paper_id", "kinds"),
    sqlite_with_rowid=False,
)

networks = Table(
    "networks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    # The site's own networks (kind "instance", owner NULL, made with `papertalk network add`), a person's
    # own network ("personal", named "@" + their name key) and networks people share ("shared"). Only
    # public ones are offered to readers who are not their owner or members (services.pages.network_choice).
    Column("owner_user_id", Integer, ForeignKey("users.id", ondelete="CASCADE")),
    Column("kind", String(16), nullable=False, server_default="instance"),
    Column("visibility", String(16), nullable=False, server_default="public"),
    # Bumped by every change of the network's accounts (storage.networks.network_rows.forget_network_ranking):
    # a signed-in reader's kept page compares it instead of reading every account id.
    Column("accounts_version", BigInteger, nullable=False, server_default="0"),
    Index(
        "ix_networks_personal_owner",
        "owner_user_id",
        unique=True,
        sqlite_where=text("kind = 'personal'"),
        postgresql_where=text("kind = 'personal'"),
    ),
    # The site's public networks, read on every trending page: an index range, not a scan of every person's.
    Index("ix_networks_kind", "kind", "visibility", "name"),
)

network_accounts = Table(
    "network_accounts",
    metadata,
    Column("network_id", Integer, ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), primary_key=True),
)

# Where an import of a file got to, committed with the data it covers: a re-run resumes here.
import_checkpoints = Table(
    "import_checkpoints",
    metadata,
    Column("file_key", String(64), primary_key=True),  # hash of the file's first bytes and path
    Column("path", Text, nullable=False),
    Column("byte_offset", BigInteger, nullable=False),
    Column("line_number", BigInteger, nullable=False),
    Column("rejected", BigInteger, nullable=False, server_default="0"),
    Column("updated_at", BigInteger, nullable=False),
)

# Facts about this database itself, e.g. demo = "seed 42" when it holds the synthetic demo world.
instance_meta = Table(
    "instance_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# The rankings of the everyone-audience, maintained as votes arrive (storage.ranking.rank_tables): per window, each
# paper's sum of weight * 2^((first_at - t0) / half_life) over its counted votes placed after the window's
# cutoff, and how many such votes. Reading a top-N is then an index scan, whatever the number of votes.
window_scores = Table(
    "window_scores",
    metadata,
    Column("window_name", String(32), primary_key=True),
    Column("paper_id", Integer, ForeignKey("papers.id"), primary_key=True),
    Column("score", Float, nullable=False),
    Column("people", Integer, nullable=False),
    # Read backwards, this index is the ranking: score, then people, then the newest paper first.
    Index("ix_window_scores_rank", "window_name", "score", "people", "paper_id"),
    sqlite_with_rowid=False,
)

# Each network's ranking per window, precomputed like ``window_scores`` (storage.ranking.network_scores):
# the network's votes summed at ``t0`` of its state row. A change to the network's accounts deletes the state
# row (the ranking is then computed from the votes until the worker rebuilds it).
network_scores = Table(
    "network_scores",
    metadata,
    Column("network_id", Integer, ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True),
    Column("window_name", String(32), primary_key=True),
    Column("paper_id", Integer, primary_key=True),
    Column("score", Float, nullable=False),
    Column("people", Integer, nullable=False),
    Index("ix_network_scores_rank", "network_id", "window_name", "score", "people", "paper_id"),
    sqlite_with_rowid=False,
)

network_rank_state = Table(
    "network_rank_state",
    metadata,
    Column("network_id", Integer, ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True),
    Column("window_name", String(32), primary_key=True),
    Column("t0", BigInteger, nullable=False),  # when the sums were made (their decay anchor)
    Column("cutoff", BigInteger, nullable=False),  # they hold the votes placed after this, up to t0
    Column("fingerprint", String(200), nullable=False),  # the weights and window they were made with
    Column("papers", Integer, nullable=False),  # how many papers they rank
)

window_state = Table(
    "window_state",
    metadata,
    Column("window_name", String(32), primary_key=True),
    Column("cutoff", BigInteger, nullable=False),  # votes placed at or before this are no longer counted
    Column("t0", BigInteger, nullable=False),  # reference time of the stored sums (rebased as time passes)
    Column("fingerprint", String(200), nullable=False),  # the weights and window the sums were built with
)

# One row per harvest (named by its set and start date): the resumption token of the last page whose
# records are committed, so an interrupted harvest continues from the next page.
harvest_state = Table(
    "harvest_state",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("from_date", String(10)),
    Column("set_spec", String(100)),
    Column("resumption_token", Text),
    Column("records", BigInteger, nullable=False, server_default="0"),
    Column("started_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("finished_at", BigInteger),
)

# One row per thing captured on a schedule (an account's feed, a search, a feed URL): where the last
# committed page got to (the cursor is written in the same transaction as that page's posts), when it
# runs next, and how the last run went. Errors back off: next_run_at grows with error_count.
sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(500), nullable=False, unique=True),  # platform:kind:target, stable
    Column("platform", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("target", Text, nullable=False),
    Column("options", Text),  # JSON object of per-source extras (instance URL, ...)
    Column("interval_seconds", Integer, nullable=False),
    Column("enabled", Boolean, nullable=False, server_default=true()),
    Column("cursor", Text),
    Column("posts_captured", BigInteger, nullable=False, server_default="0"),
    Column("last_run_at", BigInteger),
    Column("last_ok_at", BigInteger),
    Column("next_run_at", BigInteger, nullable=False),
    Column("error_count", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_sources_next_run_at", "next_run_at"),
)

# Short links resolved once (t.co, bit.ly, doi.org ...): the final URL, or why it could not be had.
short_links = Table(
    "short_links",
    metadata,
    Column("url", String(2048), primary_key=True),
    Column("resolved", Text),  # NULL when resolution failed
    Column("error", Text),
    Column("resolved_at", BigInteger, nullable=False),
)

# Posts deleted on their platform (e.g. a Jetstream delete): kept so a late or replayed create of the
# same post is not captured again.
post_tombstones = Table(
    "post_tombstones",
    metadata,
    Column("platform", String(32), primary_key=True),
    Column("post_id", String(512), primary_key=True),
    Column("deleted_at", BigInteger, nullable=False),
)

# Jobs only one process may run at a time (a live listener, enrichment): which process holds each and
# until when. The holder renews its lease while it runs; another process takes a lease once it has run
# out (its holder died) or been given back (its holder stopped).
job_leases = Table(
    "job_leases",
    metadata,
    Column("job", String(500), primary_key=True),  # e.g. "enrich", "listen:bluesky:jetstream:following"
    Column("holder", String(200), nullable=False),  # host:pid:token of the process
    Column("expires_at", BigInteger, nullable=False),
)

# The pace of a remote service shared by every process (arXiv: one request every 3 seconds): the earliest
# moment, in epoch milliseconds, at which the next request to it may start.
request_pacing = Table(
    "request_pacing",
    metadata,
    Column("service", String(100), primary_key=True),
    Column("next_start_ms", BigInteger, nullable=False),
)

# People who sign in to papertalk (not the platform `accounts` that write posts). ``name_key`` is the
# name after NFKC and case folding: "Ada" and "ａｄａ" are one name (core.people_rules).
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("name_key", String(64), nullable=False, unique=True),
    Column("email", String(254), nullable=False),
    Column("password_hash", String(256), nullable=False),  # argon2id, PHC string with its parameters
    Column("is_admin", Boolean, nullable=False, server_default=false()),
    Column("disabled", Boolean, nullable=False, server_default=false()),
    Column("created_at", BigInteger, nullable=False),
)

# Server-side sign-in sessions: the cookie holds a random token, this table only its SHA-256 (a copy of
# the table signs nobody in). Every web process reads the same rows.
sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("last_seen_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger),
    Index("ix_sessions_user_id", "user_id"),
)

# Single-use invitation links (the token's SHA-256 only); created_by NULL: made from the command line.
invitations = Table(
    "invitations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("used_at", BigInteger),
    Column("used_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("revoked_at", BigInteger),  # an admin took it back before it was used
)

# Failed sign-ins per name key and per client address, counted here so the limit holds across processes.
signin_throttle = Table(
    "signin_throttle",
    metadata,
    Column("scope", String(16), primary_key=True),  # "name" or "address"
    Column("subject", String(128), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("first_failure_at", BigInteger, nullable=False),
    Column("last_failure_at", BigInteger, nullable=False),
)

# Who belongs to a shared network, and with which role: "member" (sees it), "editor" (adds and removes its
# accounts), "owner" (also invites, gives rights, deletes it). The owner has a row too.
network_members = Table(
    "network_members",
    metadata,
    Column("network_id", Integer, ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("joined_at", BigInteger, nullable=False),
    Index("ix_network_members_user_id", "user_id"),
)

# Links that make their user a member of a shared network: single use, expiring, only the token's SHA-256.
network_invitations = Table(
    "network_invitations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("network_id", Integer, ForeignKey("networks.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("used_at", BigInteger),
)

# Accounts a person blocked: left out of their own network and of the networks they view, for them only
# (``accounts.blocked`` is the site-wide block of aggregator bots).
user_blocks = Table(
    "user_blocks",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), primary_key=True),
)

# A person's settings; a user without a row has the defaults. Whether their network is public is the
# ``visibility`` of their personal network, not a column here.
user_settings = Table(
    "user_settings",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("timezone", String(64), nullable=False, server_default="UTC"),  # an IANA name, e.g. Europe/Paris
    Column("categories", Text, nullable=False, server_default=""),  # space-separated arXiv categories
    Column("language", String(35), nullable=False, server_default="en"),  # BCP 47, for the digests
    Column("reply_mail_since", BigInteger),  # when they asked for reply notifications by email (NULL: off)
)

# Personal API tokens (``Authorization: Bearer``): only the SHA-256 is stored, with the first characters
# (``prefix``) so a person can tell their tokens apart; scope "read" or "write".
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("label", String(64), nullable=False),
    Column("scope", String(8), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("last_used_at", BigInteger),
    Column("revoked_at", BigInteger),
    Index("ix_api_tokens_user_id", "user_id"),
)

# What admins did: who (the name is kept when the account goes), what, when, to whom or what.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", BigInteger, nullable=False),
    Column("actor_user_id", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("actor_name", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("target", String(128), nullable=False),
)

# --- issue 17: reading lists with sections ---------------------------------------------------------------
# A reading list: its owner, title, description (Markdown source + the html the one pipeline made, and the
# renderer version), visibility (private / unlisted / public) and a version bumped by every change, so a
# save made on a stale copy is refused. ``digest_day``, ``network_id``, ``digest_of`` and ``published_at``
# make a curated digest ("a list with a date", services.digests.curated): its intro is the description, its
# picked papers and links are its items (a paper's comment is its verdict), and it is always private as a
# list (no list page, feed or count shows it to others): the digest pages show it once published.
reading_lists = Table(
    "reading_lists",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("owner_user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description_source", Text, nullable=False, server_default=""),
    Column("description_html", Text, nullable=False, server_default=""),
    Column("text_version", Integer, nullable=False, server_default="0"),
    Column("visibility", String(16), nullable=False, server_default="private"),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("digest_day", String(10)),  # ISO date, for a curated digest
    Column("network_id", Integer, ForeignKey("networks.id", ondelete="SET NULL")),
    # A curated digest: whose ("person", "network" or "everyone"; None: an ordinary list) and shown from
    # ``published_at`` on (None: a draft). One a day per stream (the three partial unique indexes).
    Column("digest_of", String(16)),
    Column("published_at", BigInteger),
    Index("ix_reading_lists_owner_user_id", "owner_user_id"),
    *(
        Index(
            name,
            *columns,
            unique=True,
            sqlite_where=text(f"digest_of = '{kind}'"),
            postgresql_where=text(f"digest_of = '{kind}'"),
        )
        for name, columns, kind in (
            ("ix_curated_person_day", ("owner_user_id", "digest_day"), "person"),
            ("ix_curated_network_day", ("network_id", "digest_day"), "network"),
            ("ix_curated_everyone_day", ("digest_day",), "everyone"),
        )
    ),
)

# People who may edit a list besides its owner (a reading group's members).
list_editors = Table(
    "list_editors",
    metadata,
    Column("list_id", Integer, ForeignKey("reading_lists.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_list_editors_user_id", "user_id"),
)

# Sections nest two levels: a top section has no parent, a subsection's parent is a top section.
list_sections = Table(
    "list_sections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("list_id", Integer, ForeignKey("reading_lists.id", ondelete="CASCADE"), nullable=False),
    Column("parent_id", Integer, ForeignKey("list_sections.id", ondelete="CASCADE")),
    Column("title", String(200), nullable=False),
    Column("position", Integer, nullable=False),
    Index("ix_list_sections_list_id", "list_id"),
)

# One entry of a list: a paper (``arxiv_id``) or any link, in a section (or at the list's top), with a
# one-line verdict and a note (source + html each), extra links (JSON [[label, url], ...]), tags
# (space-separated) and a read / to-read state.
list_items = Table(
    "list_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("list_id", Integer, ForeignKey("reading_lists.id", ondelete="CASCADE"), nullable=False),
    Column("section_id", Integer, ForeignKey("list_sections.id", ondelete="CASCADE")),
    Column("position", Integer, nullable=False),
    Column("arxiv_id", String(64)),
    Column("url", Text),
    Column("title", Text, nullable=False, server_default=""),
    Column("verdict_source", Text, nullable=False, server_default=""),
    Column("verdict_html", Text, nullable=False, server_default=""),
    Column("note_source", Text, nullable=False, server_default=""),
    Column("note_html", Text, nullable=False, server_default=""),
    Column("text_version", Integer, nullable=False, server_default="0"),
    Column("links", Text, nullable=False, server_default="[]"),
    Column("tags", Text, nullable=False, server_default=""),
    Column("read_state", String(8), nullable=False, server_default="to-read"),
    Column("added_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("added_at", BigInteger, nullable=False),
    Column("author", String(300), nullable=False, server_default=""),  # a picked link's author (curated digests)
    Index("ix_list_items_list_id", "list_id", "position"),
    Index("ix_list_items_arxiv_id", "arxiv_id"),
)

# What each version of a list changed (told to an editor whose save came on a stale copy).
list_changes = Table(
    "list_changes",
    metadata,
    Column("list_id", Integer, ForeignKey("reading_lists.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("at", BigInteger, nullable=False),
    Column("what", String(300), nullable=False),
)

# People following a list (its new items reach their digest and their "Followed lists" page).
list_follows = Table(
    "list_follows",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("list_id", Integer, ForeignKey("reading_lists.id", ondelete="CASCADE"), primary_key=True),
    Column("followed_at", BigInteger, nullable=False),
    Index("ix_list_follows_list_id", "list_id"),
)

# --- issue 19, Discover -------------------------------------------------------------------------------
# How many papers of a sample of the catalogue hold each title/abstract token (tokens seen once in the
# sample are left out: absent means rare). Similar papers weigh a paper's terms by the IDF read here; the
# sample's size and the highest row id when it was taken are in instance_meta ("discover_term_sample").
discover_term_docs = Table(
    "discover_term_docs",
    metadata,
    Column("term", String(100), primary_key=True),
    Column("docs", Integer, nullable=False),
)

# --- issue 18: daily digests ---------------------------------------------------------------------------------

# A finished period's digest (day, ISO week or month) for one stream (everyone, a network, a person, each with
# the timezone its day boundaries were drawn in), frozen the first time it is read after its period ended:
# posts captured later, even dated inside the period, no longer change it. ``entries`` is JSON
# [[paper row, score, people, posts, [commentary post rows...]], ...] in rank order.
digest_snapshots = Table(
    "digest_snapshots",
    metadata,
    Column("stream_key", String(300), primary_key=True),
    Column("period", String(10), primary_key=True),
    Column("made_at", BigInteger, nullable=False),
    Column("entries", Text, nullable=False),
)

# A person's private digest feed address: only the token's SHA-256; resetting it replaces the row.
digest_feed_tokens = Table(
    "digest_feed_tokens",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", BigInteger, nullable=False),
)

# A paper's title and abstract in one reader language, made by the worker's translator (docs/digests.md).
# ``source_hash`` is the SHA-256 of the English text it was made from: new metadata makes it stale. State
# "done" (title and abstract held), "retry" (failed ``attempts`` times this round, asked again from
# ``next_try_at``) or "failed" (gave up after a few tries; asked again a day later).
paper_translations = Table(
    "paper_translations",
    metadata,
    Column("paper_id", Integer, ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
    Column("language", String(35), primary_key=True),
    Column("source_hash", String(64), nullable=False),
    Column("state", String(8), nullable=False),
    Column("title", Text),
    Column("abstract", Text),
    Column("translator", String(40), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_try_at", BigInteger),
    Column("error", String(500)),
    Column("updated_at", BigInteger, nullable=False),
)

# Issue 16: summaries, notes and discussion on papers (migration 0018). A row of ``summaries`` is a
# person's summary of a paper (kind "summary", at most one per person and paper; public, unlisted or
# private) or one of their private notes (kind "note", any number, always private). Source, sanitized
# HTML and the renderer version that made it are stored together: pages never render Markdown on a read.
summaries = Table(
    "summaries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("paper_id", Integer, ForeignKey("papers.id"), nullable=False),
    Column("kind", String(8), nullable=False),  # "summary" or "note"
    Column("visibility", String(8), nullable=False),  # "public", "unlisted" or "private"
    Column("anonymous", Boolean, nullable=False, server_default=false()),  # shown without its author's name
    Column("title", String(300), nullable=False, server_default=""),
    Column("source", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("renderer_version", Integer, nullable=False),
    Column("formula_errors", Integer, nullable=False, server_default="0"),
    Column("version", Integer, nullable=False, server_default="1"),  # the newest row of summary_versions
    Column("score", Integer, nullable=False, server_default="0"),  # up votes less down votes, kept with them
    Column("comments", Integer, nullable=False, server_default="0"),  # comments shown (not deleted nor hidden)
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("hidden_at", BigInteger),  # an admin hid it: shown to nobody but its author and admins
    # When it was first saved public: the day it shows in its readers' digests (None: never public yet).
    Column("published_at", BigInteger),
    Index(
        "ix_summaries_one_per_person",
        "user_id",
        "paper_id",
        unique=True,
        sqlite_where=text("kind = 'summary'"),
        postgresql_where=text("kind = 'summary'"),
    ),
    Index("ix_summaries_paper", "paper_id", "visibility", "score", "created_at"),
    Index("ix_summaries_recent", "visibility", "created_at", "id"),
    Index("ix_summaries_best", "visibility", "score", "created_at", "id"),
    Index("ix_summaries_user", "user_id", "updated_at"),
    Index("ix_summaries_published", "published_at"),
    # The Popular tab's filter and order, read without the wide rows (storage/library/summary_rows._popular).
    Index("ix_summaries_listing", "id", "kind", "visibility", "hidden_at", "created_at", "paper_id"),
)

# Every saved version of a summary or note (version 1 is the first save): the history and its diffs.
summary_versions = Table(
    "summary_versions",
    metadata,
    Column("summary_id", Integer, ForeignKey("summaries.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("title", String(300), nullable=False, server_default=""),
    Column("source", Text, nullable=False),
    Column("saved_at", BigInteger, nullable=False),
)

# One vote per person and summary: +1 or -1 (never on one's own).
summary_votes = Table(
    "summary_votes",
    metadata,
    Column("summary_id", Integer, ForeignKey("summaries.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("value", SmallInteger, nullable=False),
    Column("voted_at", BigInteger, nullable=False),
    Index("ix_summary_votes_at", "voted_at", "summary_id", "value"),  # the Popular tab: votes of the last days
)

# Comments under a summary; parent_id: the comment replied to (one level: a reply's parent has none).
summary_comments = Table(
    "summary_comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("summary_id", Integer, ForeignKey("summaries.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("parent_id", Integer, ForeignKey("summary_comments.id", ondelete="CASCADE")),
    Column("source", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("renderer_version", Integer, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("deleted_at", BigInteger),  # deleted by its author: replies keep their place under "deleted"
    Column("hidden_at", BigInteger),  # hidden by an admin
    Index("ix_summary_comments_summary", "summary_id", "id"),
    Index("ix_summary_comments_user", "user_id", "created_at"),  # new accounts' comments per hour
)

# On-site notifications: a reply to a person's comment, a comment on their summary.
notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("comment_id", Integer, ForeignKey("summary_comments.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("read_at", BigInteger),
    Index("ix_notifications_user", "user_id", "read_at", "id"),
)

# Reports of a summary or comment, for the admins' queue.
summary_reports = Table(
    "summary_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reporter_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("target_kind", String(8), nullable=False),  # "summary" or "comment"
    Column("target_id", Integer, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("resolved_at", BigInteger),
    Index("ix_summary_reports_open", "resolved_at", "id"),
)

# Issue 18, email (migration 0022): a person's digest mail, opted in and confirmed by a link. Only the
# SHA-256 of the confirmation and unsubscribe tokens is kept. state: pending, active or off.
mail_subscriptions = Table(
    "mail_subscriptions",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("cadence", String(10), nullable=False),  # "daily" or "weekly"
    Column("hour", Integer, nullable=False),  # 0-23 in the person's timezone
    Column("state", String(10), nullable=False),
    Column("confirm_hash", String(64), unique=True),
    Column("unsubscribe_hash", String(64), nullable=False, unique=True),
    Column("created_at", BigInteger, nullable=False),
    Column("confirmed_at", BigInteger),
    Column("last_failure", Text),  # the last permanent failure, shown on the settings page
    Column("last_failure_at", BigInteger),
)

# The outbox: one row per person and period (the unique key makes queueing idempotent), a Message-ID
# derived from both, a state machine (queued → sending → sent, or failed) and a lease for the worker
# holding it (services/mail/outbox_sending.py says what a crash at each step does).
mail_outbox = Table(
    "mail_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("period", String(40), nullable=False),  # a digest's day or week, or reply.<notification id>
    Column("message_id", String(200), nullable=False, unique=True),
    Column("state", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", BigInteger, nullable=False),
    Column("lease_until", BigInteger, nullable=False),
    Column("lease_holder", String(64)),
    Column("last_error", Text),
    Column("created_at", BigInteger, nullable=False),
    Column("sent_at", BigInteger),
    UniqueConstraint("user_id", "period", name="uq_mail_outbox_user_id"),
    Index("ix_mail_outbox_due", "state", "next_attempt_at"),
)

# --- issue 19 item 4, semantic vectors: derived data, outside ``metadata`` --------------------------------
# Rebuilt by ``papertalk embed`` from the papers' titles and abstracts, so an export, a restore and a copy
# leave them out (and they would be bytes, which the JSON-lines export does not carry).
derived_metadata = MetaData(naming_convention=metadata.naming_convention)

# A paper's vector under one model (``model``: "wordllama:l2_supercat:256"): ``dim`` float16 values, little
# endian, unit length; ``source_hash`` the SHA-256 of the title and abstract it was made from (new metadata
# makes it stale; an unchanged paper is never embedded again). Keyed by model first: the exact scan reads
# one model's vectors as one index range.
paper_vectors = Table(
    "paper_vectors",
    derived_metadata,
    Column("model", String(80), primary_key=True),
    Column("paper_id", Integer, ForeignKey(papers.c.id, ondelete="CASCADE"), primary_key=True),
    Column("dim", SmallInteger, nullable=False),
    Column("vector", LargeBinary, nullable=False),
    Column("source_hash", String(64), nullable=False),
    Column("embedded_at", BigInteger, nullable=False),
)

# One row per model with vectors: how many, and a token new at every change, which each process's copy of
# the vectors (one matrix in memory) is checked against in one small read.
paper_vector_sets = Table(
    "paper_vector_sets",
    derived_metadata,
    Column("model", String(80), primary_key=True),
    Column("vectors", Integer, nullable=False),
    Column("token", String(32), nullable=False),
    Column("changed_at", BigInteger, nullable=False),
)
