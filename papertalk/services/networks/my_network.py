"""A person's own network: follow and unfollow accounts, import a follow graph (Bluesky getFollows,
Mastodon following, an X archive's ``following.js``), block accounts for their own views, make it public.

The network is a row of ``networks`` (kind ``personal``, private until made public), so the ranking counts
it like any other network. Following an account starts its capture if nobody did yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.core.network_records import PRIVATE, PUBLIC, FollowedAccount, NetworkRef, personal_network_name
from papertalk.core.people_records import User
from papertalk.core.people_rules import name_key
from papertalk.core.records import Author
from papertalk.fetching.pages import FetcherRegistry, FetchError
from papertalk.fetching.payload import BadItem
from papertalk.services.capture.accounts import AccountError
from papertalk.services.capture.following import capture_accounts, following_chunks
from papertalk.services.networks.account_refs import account_to_follow, captured_account, checked_ref
from papertalk.services.people.permissions import Actor, require_self
from papertalk.services.people.user_accounts import find_user
from papertalk.sources.x.archive import followed_accounts, read_archive_file
from papertalk.storage.engine import Connection, Engine
from papertalk.storage.networks import block_rows, network_rows

MAX_FOLLOWING_BYTES = 20 * 1024 * 1024  # a following.js of 100,000 accounts is ~10 MB


@dataclass(frozen=True, slots=True)
class Imported:
    followed: int  # accounts read from the graph
    new_in_network: int  # of those, not followed before (blocked ones are left out)
    sources_new: int  # captures started because nobody captured them yet
    rejects: tuple[str, ...] = ()


def person_named(engine: Engine, name: str) -> User:
    """The user of this name (UnknownUser when there is none): whose network a command works on."""
    with engine.connect() as conn:
        return find_user(conn, name)


def my_network(conn: Connection, owner: User) -> NetworkRef:
    """The person's network, made (private) the first time it is needed."""
    found = network_rows.personal_network(conn, owner.id, personal_network_name(name_key(owner.name)), create=True)
    assert found is not None
    return found


def network_of(engine: Engine, owner: User) -> NetworkRef | None:
    """The person's network, read only (pages call this: a GET changes nothing); None before it is made."""
    key = personal_network_name(name_key(owner.name))
    with engine.connect() as conn:
        return network_rows.personal_network(conn, owner.id, key, create=False)


def ensure_network(engine: Engine, owner: User) -> NetworkRef:
    """The person's network, made (once, empty and private) when they have none yet. Signing in (a POST)
    calls it, so that every page can offer "My network" from the first visit without writing."""
    found = network_of(engine, owner)
    if found is not None:
        return found
    with engine.begin() as conn:
        return my_network(conn, owner)


def _check(actor: Actor, owner: User, action: str) -> None:
    """The person themselves, or the operator acting for them from the command line."""
    if isinstance(actor, User):
        require_self(actor, owner.id, action)


def follow(engine: Engine, registry: FetcherRegistry, actor: Actor, owner: User, ref: str, now: int) -> FollowedAccount:
    """Follow one account; AccountError saying why not (unknown platform or account, lookup failed)."""
    _check(actor, owner, "follow an account")
    account_id, _author = account_to_follow(engine, registry, ref, now)
    with engine.begin() as conn:
        network = my_network(conn, owner)
        block_rows.unblock(conn, owner.id, [account_id])  # following again is the way back from a block
        network_rows.add_accounts(conn, network.id, [account_id])
        return network_rows.account_by_id(conn, account_id)


def unfollow(engine: Engine, actor: Actor, owner: User, ref: str) -> int:
    """Take an account out of the network; how many rows went (0: it was not followed)."""
    _check(actor, owner, "unfollow an account")
    platform, handle = checked_ref(ref)
    account_id = captured_account(engine, platform, handle)
    with engine.begin() as conn:
        return network_rows.remove_accounts(conn, my_network(conn, owner).id, [account_id])


def block(engine: Engine, actor: Actor, owner: User, ref: str) -> None:
    """Keep a captured account out of this person's views: out of their network, and left out of any
    network they read (for them only; ``papertalk block`` is the site-wide block)."""
    _check(actor, owner, "block an account")
    platform, handle = checked_ref(ref)
    account_id = captured_account(engine, platform, handle)
    with engine.begin() as conn:
        block_rows.block(conn, owner.id, [account_id])
        network_rows.remove_accounts(conn, my_network(conn, owner).id, [account_id])


def unblock(engine: Engine, actor: Actor, owner: User, ref: str) -> int:
    _check(actor, owner, "unblock an account")
    platform, handle = checked_ref(ref)
    account_id = captured_account(engine, platform, handle)
    with engine.begin() as conn:
        return block_rows.unblock(conn, owner.id, [account_id])


def import_graph(engine: Engine, registry: FetcherRegistry, actor: Actor, owner: User, ref: str, now: int) -> Imported:
    """Follow everyone ``PLATFORM:HANDLE`` follows (Bluesky, Mastodon, X), stored a chunk at a time."""
    _check(actor, owner, "import follows")
    platform, handle = checked_ref(ref)
    total = Imported(0, 0, 0)
    try:
        for chunk in following_chunks(registry, f"{platform}:{handle}"):
            total = _add(total, _follow_all(engine, owner, chunk, now))
    except FetchError as error:
        raise AccountError(f"account: {platform}:{handle[:80]}: {error} ({total.followed} accounts imported)") from None
    return total


def import_x_following(engine: Engine, actor: Actor, owner: User, raw: bytes, filename: str, now: int) -> Imported:
    """Follow the accounts of an X archive's ``following.js``; its unreadable entries are reported, the
    readable ones followed. AccountError when the file is not a following.js at all."""
    _check(actor, owner, "import follows")
    if len(raw) > MAX_FOLLOWING_BYTES:
        raise AccountError(f"following: {filename[:80]} is over {MAX_FOLLOWING_BYTES // 2**20} MB")
    try:
        archive = read_archive_file(raw, filename[:80])
    except BadItem as error:
        raise AccountError(f"following: {error}") from None
    if archive.table != "following":
        raise AccountError(f"following: {filename[:80]} holds {archive.table[:40]!r}, not 'following' (following.js)")
    authors, bad = followed_accounts(archive.entries)
    done = _follow_all(engine, owner, authors, now)
    return Imported(done.followed, done.new_in_network, done.sources_new, tuple(f"{filename[:80]}:{b}" for b in bad))


def _follow_all(engine: Engine, owner: User, authors: list[Author], now: int) -> Imported:
    ids, sources_new = capture_accounts(engine, authors, now)
    with engine.begin() as conn:
        blocked = block_rows.blocked_ids(conn, owner.id)
        added = network_rows.add_accounts(conn, my_network(conn, owner).id, [i for i in ids if i not in blocked])
    return Imported(len(authors), added, sources_new)


def _add(a: Imported, b: Imported) -> Imported:
    return Imported(a.followed + b.followed, a.new_in_network + b.new_in_network, a.sources_new + b.sources_new)


def set_public(engine: Engine, actor: Actor, owner: User, public: bool) -> None:
    """Whether others may see whom this person follows (and rank by it)."""
    _check(actor, owner, "change who sees your network")
    with engine.begin() as conn:
        network_rows.set_visibility(conn, my_network(conn, owner).id, PUBLIC if public else PRIVATE)


@dataclass(frozen=True, slots=True)
class MyNetworkView:
    network: NetworkRef | None  # None until the person's network is made (at their first sign-in)
    size: int
    accounts: tuple[FollowedAccount, ...]
    blocked: tuple[FollowedAccount, ...]


def view(engine: Engine, actor: Actor, owner: User, limit: int = 500, offset: int = 0) -> MyNetworkView:
    """What the settings page lists: the follows (a page of them), their number, the blocked accounts.
    Read only (the page is a GET): a network not made yet is shown empty rather than made here."""
    _check(actor, owner, "see whom you follow")
    network = network_of(engine, owner)
    with engine.connect() as conn:
        blocked = tuple(block_rows.blocked_accounts(conn, owner.id))
        if network is None:
            return MyNetworkView(None, 0, (), blocked)
        return MyNetworkView(
            network,
            network_rows.network_size(conn, network.id),
            tuple(network_rows.network_accounts(conn, network.id, limit, offset)),
            blocked,
        )
