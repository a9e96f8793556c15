"""The manifest of an export folder: which table is in which file, with its columns, rows, size and SHA-256.

It is written last, so a folder without one is an export that did not finish. It holds nothing that
changes from one export of the same data to the next (no time, no host, no backend): an export, a restore
elsewhere and a second export give byte-identical folders, manifest included.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import orjson

FORMAT = "papertalk-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"


class DumpError(ValueError):
    """An export folder that cannot be restored; the message is one line saying where and what."""


@dataclass(frozen=True)
class TableFile:
    name: str
    file: str
    columns: list[str]
    rows: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    schema: str
    with_secrets: bool
    tables: list[TableFile]

    def write(self, directory: Path) -> None:
        body = {"format": FORMAT, "version": FORMAT_VERSION, **asdict(self)}
        partial = directory / (MANIFEST + ".partial")
        partial.write_bytes(orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n")
        partial.replace(directory / MANIFEST)


def read_manifest(directory: Path) -> Manifest:
    path = directory / MANIFEST
    if not path.is_file():
        raise DumpError(f"{path}: no manifest: not a papertalk export, or one that did not finish")
    try:
        body = orjson.loads(path.read_bytes())
        if body.get("format") != FORMAT:
            raise DumpError(f"{path}: not a papertalk export (format {body.get('format')!r})")
        if body.get("version") != FORMAT_VERSION:
            raise DumpError(f"{path}: export format version {body.get('version')} is not {FORMAT_VERSION}")
        tables = [TableFile(**entry) for entry in body["tables"]]
        return Manifest(schema=str(body["schema"]), with_secrets=bool(body["with_secrets"]), tables=tables)
    except DumpError:
        raise
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
        raise DumpError(f"{path}: unreadable manifest ({error})") from None
