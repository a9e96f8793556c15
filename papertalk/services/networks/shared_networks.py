"""Shared networks (a lab, a reading group): create one, invite members by link or by user name, give
editor rights, add and remove accounts, leave, delete. Every write checks its actor (network_rights)."""

from __future__ import annotations

from dataclasses import dataclass

from papertalk.core.network_records import (
    EDITOR,
    MEMBER,
    OWNER,
    PERSONAL_PREFIX,
    PRIVATE,
    PUBLIC,
    SHARED,
    FollowedAccount,
    Member,
    NetworkRef,
)
from papertalk.core.people_records import User
from papertalk.fetching.pages import FetcherRegistry
from papertalk.services.networks.account_refs import account_to_follow, captured_account, checked_ref
from papertalk.services.networks.network_rights import active_user, require_edit, require_owner
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import Actor, NotAllowed
from papertalk.services.people.tokens import new_token, token_hash
from papertalk.services.people.user_accounts import UnknownUser, find_user
from papertalk.storage.engine import Connection, Engine
from papertalk.storage.networks import member_rows, network_rows
from papertalk.storage.networks.visible_networks import networks_of, readable_network

NAME_MAX = 80
INVITATION_DAYS = 14
BAD_LINK = "invite: this invitation link is unknown, used or expired; ask for a new one"


def name_problem(name: str) -> str | None:
    if not name.strip():
        return "name: give the network a name"
    if len(name) > NAME_MAX or "\x00" in name or any(c in name for c in "\r\n\t"):
        return f"name: at most {NAME_MAX} characters on one line"
    if name.strip().startswith(PERSONAL_PREFIX):
        return f"name: may not start with {PERSONAL_PREFIX!r} (that names a person's own network)"
    return None


def _user(actor: Actor, action: str) -> User:
    user = active_user(actor, action)
    if user is None:
        raise NotAllowed(f"{action}: sign in as the person who does it")
    return user


def create(engine: Engine, actor: Actor, name: str, public: bool, now: int) -> NetworkRef:
    """A new shared network owned by the actor; FormProblem when the name is refused or taken."""
    owner = _user(actor, "create a network")
    problem = name_problem(name)
    if problem:
        raise FormProblem(problem)
    with engine.begin() as conn:
        try:
            network_id = network_rows.create_shared(conn, name.strip(), owner.id, PUBLIC if public else PRIVATE)
        except network_rows.NetworkNameTaken as taken:
            raise FormProblem(str(taken)) from None
        member_rows.set_role(conn, network_id, owner.id, OWNER, now)
        return NetworkRef(network_id, name.strip(), SHARED, PUBLIC if public else PRIVATE, owner.id, OWNER)


def _shared(conn: Connection, actor: Actor, name: str) -> NetworkRef:
    """The shared network as the actor sees it; a network they may not see is "no such network"."""
    user = active_user(actor, "use a network")
    found = network_rows.network_by_name(conn, name) if user is None else readable_network(conn, name, user.id)
    if found is None or found.kind != SHARED:
        raise NotAllowed(f"network: no shared network named {name[:NAME_MAX]!r} that you belong to")
    return found


def invite_link(engine: Engine, actor: Actor, name: str, base_url: str, now: int) -> str:
    """A single-use link that makes whoever opens it, signed in, a member (shown once, stored hashed)."""
    with engine.begin() as conn:
        network = _shared(conn, actor, name)
        require_owner(actor, network, network.role, "invite members")
        token = new_token()
        creator = _user(actor, "invite members")
        member_rows.add_invitation(conn, network.id, token_hash(token), creator.id, now, now + INVITATION_DAYS * 86_400)
    return f"{base_url.rstrip('/')}/join/{token}"


def invited_to(engine: Engine, token: str, now: int) -> str:
    """The name of the network an open invitation link is for (the join page shows it before one accepts);
    FormProblem when the link is unknown, used or expired. Only the link's holder can ask."""
    with engine.connect() as conn:
        network_id = member_rows.open_invitation(conn, token_hash(token), now)
        network = network_rows.network_by_id(conn, network_id) if network_id is not None else None
    if network is None:
        raise FormProblem(BAD_LINK)
    return network.name


class UnknownNetwork(LookupError):
    """No network of this number that the reader may see (said without its name: it may be private)."""


def name_of(engine: Engine, actor: Actor, network_id: int) -> str:
    """The name of the shared network ``network_id`` if the actor may see it; UnknownNetwork otherwise, the
    same for a network that does not exist and one they may not see."""
    user = active_user(actor, "use a network")
    with engine.connect() as conn:
        found = network_rows.network_by_id(conn, network_id)
        seen = found if found is None or user is None else readable_network(conn, found.name, user.id)
    if seen is None or seen.kind != SHARED:
        raise UnknownNetwork(f"network: no shared network number {network_id} that you may see")
    return seen.name


def accept(engine: Engine, actor: Actor, token: str, now: int) -> str:
    """Use an invitation link: the actor becomes a member; the network's name."""
    user = _user(actor, "join a network")
    with engine.begin() as conn:
        network_id = member_rows.use_invitation(conn, token_hash(token), now)
        if network_id is None:
            raise FormProblem(BAD_LINK)
        member_rows.join(conn, network_id, user.id, MEMBER, now)
        network = network_rows.network_by_id(conn, network_id)
        assert network is not None  # the invitation's row cascades away with its network
        return network.name


def add_member(engine: Engine, actor: Actor, name: str, user_name: str, role: str, now: int) -> Member:
    """Invite by user name (they are a member at once, and may leave) or change a member's role."""
    if role not in (MEMBER, EDITOR):
        raise FormProblem(f"role: choose {MEMBER} or {EDITOR}")
    with engine.begin() as conn:
        network = _shared(conn, actor, name)
        require_owner(actor, network, network.role, "add members")
        try:
            person = find_user(conn, user_name)
        except UnknownUser:
            raise FormProblem(f"user: no user named {user_name[:64]!r}") from None
        if member_rows.role_of(conn, network.id, person.id) == OWNER:
            raise FormProblem("user: the owner keeps the owner's rights")
        member_rows.set_role(conn, network.id, person.id, role, now)
        return Member(person.id, person.name, role)


def remove_member(engine: Engine, actor: Actor, name: str, user_name: str) -> None:
    """The owner removes a member; anyone but the owner may remove themselves (leave)."""
    with engine.begin() as conn:
        network = _shared(conn, actor, name)
        try:
            person = find_user(conn, user_name)
        except UnknownUser:
            raise FormProblem(f"user: no user named {user_name[:64]!r}") from None
        leaving = isinstance(actor, User) and actor.id == person.id
        if not leaving:
            require_owner(actor, network, network.role, "remove members")
        if member_rows.role_of(conn, network.id, person.id) == OWNER:
            raise FormProblem("user: the owner cannot leave; delete the network instead")
        member_rows.remove_member(conn, network.id, person.id)


def add_account(engine: Engine, registry: FetcherRegistry, actor: Actor, name: str, ref: str, now: int) -> None:
    """An editor adds an account (captured from now on if nobody captured it yet)."""
    with engine.connect() as conn:
        network = _shared(conn, actor, name)
    require_edit(actor, network, network.role, "add an account")
    account_id, _author = account_to_follow(engine, registry, ref, now)
    with engine.begin() as conn:
        network_rows.add_accounts(conn, network.id, [account_id])


def remove_account(engine: Engine, actor: Actor, name: str, ref: str) -> int:
    platform, handle = checked_ref(ref)
    account_id = captured_account(engine, platform, handle)
    with engine.begin() as conn:
        network = _shared(conn, actor, name)
        require_edit(actor, network, network.role, "remove an account")
        return network_rows.remove_accounts(conn, network.id, [account_id])


def delete(engine: Engine, actor: Actor, name: str) -> None:
    with engine.begin() as conn:
        network = _shared(conn, actor, name)
        require_owner(actor, network, network.role, "delete the network")
        network_rows.delete_network(conn, network.id)


@dataclass(frozen=True, slots=True)
class SharedNetworkView:
    network: NetworkRef
    size: int
    accounts: tuple[FollowedAccount, ...]
    members: tuple[Member, ...]  # shown to members only; empty for a reader who only sees it as public


def view(engine: Engine, actor: Actor, name: str, limit: int = 500) -> SharedNetworkView:
    with engine.connect() as conn:
        network = _shared(conn, actor, name)
        members = tuple(member_rows.members(conn, network.id)) if network.role is not None else ()
        return SharedNetworkView(
            network,
            network_rows.network_size(conn, network.id),
            tuple(network_rows.network_accounts(conn, network.id, limit)),
            members,
        )


def networks_of_member(engine: Engine, actor: Actor) -> list[NetworkRef]:
    """The shared networks the actor belongs to, with their role in each (the networks page lists them)."""
    user = _user(actor, "list your networks")
    with engine.connect() as conn:
        return [n for n in networks_of(conn, user.id) if n.kind == SHARED and n.role is not None]
