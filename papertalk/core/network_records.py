"""The records of people's networks: a network as a reader may see it, members and their roles, follows."""

from __future__ import annotations

from dataclasses import dataclass

PERSONAL = "personal"  # one person's own follows: their "My network"
SHARED = "shared"  # a lab's or reading group's, with members
INSTANCE = "instance"  # the site's own, made with `papertalk network add`
PUBLIC = "public"
PRIVATE = "private"
MEMBER, EDITOR, OWNER = "member", "editor", "owner"
ROLES = (MEMBER, EDITOR, OWNER)
PERSONAL_PREFIX = "@"  # a personal network is named "@" + its owner's name key; other names may not start so


def personal_network_name(name_key: str) -> str:
    return PERSONAL_PREFIX + name_key


@dataclass(frozen=True, slots=True)
class NetworkRef:
    """A network and what one reader is to it: ``role`` None when they only see it because it is public."""

    id: int
    name: str
    kind: str
    visibility: str
    owner_user_id: int | None
    role: str | None


@dataclass(frozen=True, slots=True)
class FollowedAccount:
    """An account in a network, as ``PLATFORM:HANDLE`` (or its platform id when no handle is known)."""

    account_id: int
    platform: str
    platform_id: str
    handle: str | None

    @property
    def ref(self) -> str:
        return f"{self.platform}:{self.handle or self.platform_id}"


@dataclass(frozen=True, slots=True)
class Member:
    user_id: int
    name: str
    role: str
