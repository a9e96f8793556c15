"""Account use cases: networks of accounts (adding, removing) and blocking, named as PLATFORM:HANDLE by people."""

from __future__ import annotations

from collections.abc import Iterable

from papertalk.config import Settings
from papertalk.storage.capture import account_rows
from papertalk.storage.engine import Connection, Engine


class AccountError(ValueError):
    """An account reference that is malformed or names no captured account."""


def parse_account(ref: str) -> tuple[str, str]:
    platform, sep, handle = ref.partition(":")
    if not sep or not platform or not handle:
        raise AccountError(f"{ref!r}: write accounts as PLATFORM:HANDLE, e.g. bluesky:ada.bsky.social")
    return platform.lower(), handle


def resolve_accounts(engine: Engine, refs: Iterable[str]) -> list[int]:
    """Row ids of captured accounts named ``PLATFORM:HANDLE`` or ``PLATFORM:ID``; AccountError names an unknown one."""
    parsed = [parse_account(r) for r in refs]
    with engine.connect() as conn:
        try:
            return [account_rows.find_account(conn, platform, handle) for platform, handle in parsed]
        except account_rows.UnknownAccount as exc:
            raise AccountError(str(exc)) from None


def add_to_network(engine: Engine, name: str, refs: Iterable[str]) -> int:
    ids = resolve_accounts(engine, refs)
    with engine.begin() as conn:
        network = account_rows.network_id(conn, name, create=True)
        assert network is not None
        account_rows.add_to_network(conn, network, ids)
        return account_rows.network_size(conn, network)


def add_ids_to_network(engine: Engine, name: str, account_ids: Iterable[int]) -> int:
    with engine.begin() as conn:
        network = account_rows.network_id(conn, name, create=True)
        assert network is not None
        account_rows.add_to_network(conn, network, account_ids)
        return account_rows.network_size(conn, network)


def _existing_network(conn: Connection, name: str) -> int:
    network = account_rows.network_id(conn, name)
    if network is None:
        known = ", ".join(n for n, _ in account_rows.list_networks(conn)) or "none yet"
        raise AccountError(f"no network {name!r} (networks: {known}; see `papertalk network list`)")
    return network


def remove_from_network(engine: Engine, name: str, refs: Iterable[str]) -> int:
    """Take accounts out of a network; returns its size after."""
    ids = resolve_accounts(engine, refs)
    with engine.begin() as conn:
        network = _existing_network(conn, name)
        account_rows.remove_from_network(conn, network, ids)
        return account_rows.network_size(conn, network)


def remove_network(engine: Engine, name: str) -> int:
    """Delete a network (its accounts and their posts stay); returns how many accounts it had."""
    with engine.begin() as conn:
        network = _existing_network(conn, name)
        size = account_rows.network_size(conn, network)
        account_rows.delete_network(conn, network)
        return size


def block_accounts(engine: Engine, settings: Settings, refs: Iterable[str], blocked: bool = True) -> None:
    ids = resolve_accounts(engine, refs)
    with engine.begin() as conn:
        account_rows.set_blocked(conn, ids, blocked, settings.ranking)


def list_networks(engine: Engine) -> list[tuple[str, int]]:
    with engine.connect() as conn:
        return account_rows.list_networks(conn)
