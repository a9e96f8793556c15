"""Importing X data: a user's data archive (directory or .zip) and files of API v1.1 / v2 replies.

Goes through the same ingest path as the neutral import (``citing`` -> ``stage_batch`` ->
``IngestStore.write_batch`` in batches), so it is idempotent: a re-run adds nothing. The archive's
``data/*.js`` files are read one at a time (from a zip, one member at a time); ``account.js`` names the
author of every tweet, ``note-tweet.js`` restores long tweets, and ``following.js`` puts the followed
accounts into the network ``following`` (known by id until their posts are captured).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from papertalk.core.ranking import RankingSettings
from papertalk.core.records import Author, Post
from papertalk.fetching.payload import BadItem
from papertalk.services.ingest import ImportSummary, citing
from papertalk.sources.x.api_files import v1_posts, v2_posts
from papertalk.sources.x.archive import (
    NoteText,
    archive_owner,
    archive_tweets,
    followed_accounts,
    note_texts,
    read_archive_file,
)
from papertalk.storage import account_rows
from papertalk.storage.batch_load import stage_batch
from papertalk.storage.engine import Engine
from papertalk.storage.ingest_store import IngestStore

FORMATS = ("x-archive", "x-v1", "x-v2")
FOLLOWING_NETWORK = "following"
TWEET_TABLES = ("tweets", "tweet")
RejectHandler = Callable[[str], None]  # one line: file:item: reason
ProgressHandler = Callable[[int], None]  # bytes read since the last call


class ArchiveError(ValueError):
    """An archive that cannot be read at all (no tweets file, no account)."""


@dataclass
class XImportSummary(ImportSummary):
    following: int = 0  # accounts added to the network "following"
    following_network_size: int = field(default=0)


class DataFiles:
    """The ``data/*.js`` files of an archive directory or zip, read one at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path) if path.is_file() else None
        if self.zip is not None:
            names = [n for n in self.zip.namelist() if n.endswith(".js")]
            self.names = {PurePosixPath(n).name: n for n in names if "/data/" in f"/{n}"}
        else:
            base = path / "data" if (path / "data").is_dir() else path
            self.names = {p.name: str(p) for p in base.glob("*.js")}

    def matching(self, stems: Iterable[str]) -> list[str]:
        """File names whose table is one of ``stems`` (``tweets.js``, ``tweets-part1.js``...), in order."""
        wanted = tuple(stems)
        found = [n for n in self.names if n[:-3].split("-part")[0].replace("-", "_") in wanted]
        return sorted(found, key=lambda n: (n.split("-part")[0], int(n[:-3].split("-part")[1]) if "-part" in n else 0))

    def read(self, name: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(self.names[name])
        return Path(self.names[name]).read_bytes()

    def size(self, name: str) -> int:
        if self.zip is not None:
            return self.zip.getinfo(self.names[name]).file_size
        return Path(self.names[name]).stat().st_size

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


class XImporter:
    """Imports X archives and API files into one database, reporting rejects and progress."""

    def __init__(
        self,
        engine: Engine,
        now: int,
        batch_size: int = 20_000,
        on_reject: RejectHandler | None = None,
        on_progress: ProgressHandler | None = None,
        ranking: RankingSettings | None = None,
    ) -> None:
        self.engine = engine
        self.store = IngestStore(engine, ranking or RankingSettings())
        self.now = now
        self.batch_size = batch_size
        self.on_reject = on_reject or (lambda _line: None)
        self.on_progress = on_progress or (lambda _n: None)
        self.summary = XImportSummary()

    def import_archive(self, path: Path, owner: Author | None = None) -> None:
        files = DataFiles(path)
        try:
            owner = owner or self._owner(files)
            notes: dict[int, list[NoteText]] = {}
            for name in files.matching(["note_tweet"]):
                found, rejects = note_texts(read_archive_file(files.read(name), name).entries, name)
                notes.update(found)
                self._rejected(rejects)
            tweet_files = files.matching(TWEET_TABLES)
            if not tweet_files:
                raise ArchiveError(f"{path}: no data/tweets.js (or tweet.js) in this archive")
            for name in tweet_files:
                try:
                    table = read_archive_file(files.read(name), name)
                except BadItem as exc:
                    self._rejected([str(exc)])
                    continue
                self._write(archive_tweets(table.entries, owner, name, notes))
                self.summary.files += 1
                self.on_progress(files.size(name))
            for name in files.matching(["following"]):
                self._follow(read_archive_file(files.read(name), name).entries, name)
        except BadItem as exc:
            raise ArchiveError(str(exc)) from None
        finally:
            files.close()
        self.store.refresh_rankings(self.now)

    def import_api_file(self, path: Path, fmt: str) -> None:
        raw = path.read_bytes()
        read = v1_posts if fmt == "x-v1" else v2_posts
        self._write(read(raw, str(path)))
        self.summary.files += 1
        self.on_progress(len(raw))
        self.store.refresh_rankings(self.now)

    def _owner(self, files: DataFiles) -> Author:
        names = files.matching(["account"])
        if not names:
            raise ArchiveError(f"{files.path}: no data/account.js: cannot tell whose tweets these are")
        return archive_owner(read_archive_file(files.read(names[0]), names[0]).entries)

    def _write(self, parsed: Iterator[Post | str]) -> None:
        batch: list[Post] = []
        for item in parsed:
            self.summary.lines += 1
            if isinstance(item, str):
                self._rejected([item])
                continue
            batch.append(item)
            if len(batch) >= self.batch_size:
                self._flush(batch)
                batch = []
        if batch:
            self._flush(batch)

    def _flush(self, posts: list[Post]) -> None:
        staged = stage_batch(c for post in posts for c in citing(post))
        self.summary.posts_read += len(posts)
        self.summary.add(self.store.write_batch(staged, None, self.now))

    def _rejected(self, lines: list[str]) -> None:
        for line in lines:
            self.on_reject(line)
        self.summary.rejected += len(lines)

    def _follow(self, entries: list[object], name: str) -> None:
        authors, bad = followed_accounts(list(entries))
        self._rejected([f"{name}:{b}" for b in bad])
        with self.engine.begin() as conn:
            ids = account_rows.ensure_accounts(conn, [(a.platform, a.platform_id, a.handle) for a in authors])
            network = account_rows.network_id(conn, FOLLOWING_NETWORK, create=True)
            assert network is not None
            account_rows.add_to_network(conn, network, ids)
            self.summary.following += len(ids)
            self.summary.following_network_size = account_rows.network_size(conn, network)
