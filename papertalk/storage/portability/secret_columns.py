"""Which tables, columns and rows are secrets, in ONE place: an export leaves them out unless asked for them.

A secret is anything that would let its holder act as someone (password hashes, session and token hashes,
invitation links) or forge what the site signs (the form secret). tests/test_portability_secrets.py fails
when a table gains a column named like a secret that is classified neither here nor in ``NOT_SECRET``.
"""

from __future__ import annotations

from sqlalchemy import Table

# Whole tables that are nothing but credentials: sessions sign people in, invitations sign people up.
SECRET_TABLES = frozenset({"sessions", "invitations", "network_invitations"})
# Columns that are credentials in a table that is otherwise plain data.
SECRET_COLUMNS = frozenset(
    {
        ("users", "password_hash"),
        ("api_tokens", "token_hash"),
        ("digest_feed_tokens", "token_hash"),
        ("mail_subscriptions", "confirm_hash"),  # confirms someone's email subscription
        ("mail_subscriptions", "unsubscribe_hash"),  # unsubscribes them without signing in
    }
)
# Rows that are credentials: (table, key column) -> keys left out.
SECRET_ROWS = {"instance_meta": ("key", ("form_secret",))}
# Columns named like secrets that are not: the shown start of a token (so a person can tell theirs apart),
# OAI-PMH paging tokens arXiv hands to anyone, and the hash of the English text a translation was made from.
NOT_SECRET = frozenset(
    {("api_tokens", "prefix"), ("harvest_state", "resumption_token"), ("paper_translations", "source_hash")}
)
SECRET_WORDS = ("hash", "secret", "token", "password")
# What a restore writes into a NOT NULL secret column that the export left out: no hash equals it, so a
# restored user signs in only after an admin sets a new password, and a restored API token never matches.
WITHHELD = "withheld:"


def exported_columns(table: Table, with_secrets: bool) -> list[str]:
    """The columns of ``table`` that an export writes, in table order."""
    return [str(c.name) for c in table.columns if with_secrets or (table.name, c.name) not in SECRET_COLUMNS]


def is_exported(table: Table, with_secrets: bool) -> bool:
    return with_secrets or table.name not in SECRET_TABLES


def row_filter(table: Table, with_secrets: bool) -> str:
    """A SQL condition leaving out the secret rows of ``table`` (``""``: none)."""
    if with_secrets or table.name not in SECRET_ROWS:
        return ""
    column, keys = SECRET_ROWS[table.name]
    listed = ", ".join("'" + key.replace("'", "''") + "'" for key in keys)
    return f'"{column}" NOT IN ({listed})'


def looks_secret(column: str) -> bool:
    return any(word in column.lower() for word in SECRET_WORDS)


def unclassified(tables: list[Table]) -> list[str]:
    """``table.column`` of every column named like a secret that this module does not classify."""
    return [
        f"{t.name}.{c.name}"
        for t in tables
        for c in t.columns
        if looks_secret(c.name)
        and t.name not in SECRET_TABLES
        and (t.name, c.name) not in SECRET_COLUMNS
        and (t.name, c.name) not in NOT_SECRET
    ]
