"""A person's own data as a zip: one JSON file per table of their rows (``storage.portability.owned_rows``),
the platform accounts those rows name (whom they follow and block), and a README saying what is what.

Only the signed-in person's rows: nothing of anyone else's that is private (their settings, networks,
blocks, tokens) can be in it, since every row is selected by an owner column equal to the person's id, or
hangs off a row that is. Secrets are never in it (password and token hashes, sessions). Written text
(notes, lists: later tables with an owner column) comes along as its table's JSON; a Markdown source
column (``*_markdown`` / ``source``) is also written as ``.md`` files.
"""

from __future__ import annotations

import io
import zipfile

import orjson

from papertalk.core.people_records import User
from papertalk.storage.engine import Engine
from papertalk.storage.portability.owned_rows import named_accounts, owned_rows

MARKDOWN_COLUMNS = ("markdown", "source", "body_markdown", "text_markdown")
README = """Your papertalk data, as of {when} (UTC epoch seconds).

One JSON file per table: {{"columns": [...], "rows": [[...], ...]}}, your rows only. accounts.json holds
the platform accounts your networks and blocks name. Text you wrote in Markdown is also in markdown/.
Password and token hashes and sign-in sessions are never included.
"""


def my_data_zip(engine: Engine, user: User, now: int) -> bytes:
    buffer = io.BytesIO()
    named: set[int] = set()
    with engine.connect() as conn, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("README.txt", README.format(when=now))
        for table, columns, rows in owned_rows(conn, user.id):
            zipped.writestr(
                f"{table}.json", orjson.dumps({"columns": columns, "rows": rows}, option=orjson.OPT_INDENT_2)
            )
            if "account_id" in columns:
                named.update(int(row[columns.index("account_id")]) for row in rows)
            for column in (c for c in columns if c in MARKDOWN_COLUMNS or c.endswith("_markdown")):
                for row in rows:
                    if row[columns.index(column)]:
                        zipped.writestr(f"markdown/{table}-{row[0]}-{column}.md", str(row[columns.index(column)]))
        columns, rows = named_accounts(conn, sorted(named))
        zipped.writestr("accounts.json", orjson.dumps({"columns": columns, "rows": rows}, option=orjson.OPT_INDENT_2))
    return buffer.getvalue()
