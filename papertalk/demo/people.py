"""The demo's people: a few DEMO users who sign in, each with a network of demo accounts, and a shared
reading group, so a newcomer signs in with the printed demo sign-in and sees My network at once."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from papertalk.services.networks import my_network, shared_networks
from papertalk.services.people.permissions import OPERATOR
from papertalk.services.people.user_accounts import add_user
from papertalk.storage.engine import Engine
from papertalk.storage.networks.network_rows import add_accounts

# Printed by `papertalk demo` and shown nowhere else: the demo database is a local, synthetic world.
DEMO_PASSWORD = "demo-password-not-secret"
DEMO_PEOPLE = (("ada", True), ("grace", False), ("alan", False))  # (name, admin)
FOLLOWS = 60  # demo accounts in each person's network
READING_GROUP = "demo-reading-group"
READING_GROUP_ACCOUNTS = 25


@dataclass(frozen=True)
class DemoSignIn:
    name: str
    password: str


def add_demo_people(engine: Engine, seed: int, accounts: Sequence[int], now: int) -> DemoSignIn:
    """Make the demo people and their networks from the non-bot ``accounts``; the sign-in of the first."""
    pick = random.Random(seed + 1)
    people = []
    for name, admin in DEMO_PEOPLE:
        person = add_user(engine, OPERATOR, name, f"{name}@demo.invalid", DEMO_PASSWORD, admin, now)
        network = my_network.ensure_network(engine, person)
        with engine.begin() as conn:
            add_accounts(conn, network.id, pick.sample(list(accounts), min(FOLLOWS, len(accounts))))
        people.append(person)
    owner = people[0]
    group = shared_networks.create(engine, owner, READING_GROUP, public=False, now=now)
    for other in people[1:]:
        shared_networks.add_member(engine, owner, READING_GROUP, other.name, "member", now)
    with engine.begin() as conn:
        add_accounts(conn, group.id, pick.sample(list(accounts), min(READING_GROUP_ACCOUNTS, len(accounts))))
    return DemoSignIn(owner.name, DEMO_PASSWORD)
