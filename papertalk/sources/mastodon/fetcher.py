"""Thin Mastodon fetchers: an account's statuses or a hashtag timeline, newest first, and accounts.

Targets name the instance: ``@bob@sigmoid.social`` (kind ``statuses``), ``arxiv@sigmoid.social`` (kind
``tag``). Paging: ``since_id`` = the stored cursor (the newest status id seen), then older pages by the
``max_id`` of each reply's ``Link: rel="next"`` until the listing is exhausted. The cursor moves only
with the last page of a run, so a run cut short starts again from the old cursor (pages already
committed come again and are absorbed by the import's idempotence): nothing is skipped.

Instances are named by users and by remote following lists, so an instance must be a plain domain name
(``eve@127.0.0.2:8202`` is refused) and every request connects through the SSRF guard (the getter's
client). The access token belongs to one instance and is sent to that origin only, never to another
instance nor to a next-page link elsewhere; a following list's next page must stay on its instance.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx

from papertalk.core.records import Author
from papertalk.fetching.address_guard import host_name_problem
from papertalk.fetching.json_get import JsonReply, get_json, split_url
from papertalk.fetching.pages import FetchedPage, FetchError, SourceSpec
from papertalk.fetching.parsed_pages import page_of
from papertalk.fetching.payload import BadItem
from papertalk.fetching.polite_http import PoliteGetter
from papertalk.sources.mastodon.statuses import account_author, parse_statuses, status_id

PAGE_SIZE = 40
FOLLOWING_PAGE_SIZE = 80
log = logging.getLogger(__name__)


def split_handle(handle: str) -> tuple[str, str]:
    """``@bob@sigmoid.social`` -> (``bob``, ``sigmoid.social``)."""
    user, sep, instance = handle.lstrip("@").partition("@")
    if not sep or not user or not instance or "/" in instance:
        raise FetchError(f"mastodon: {handle!r} is not a full handle like @bob@sigmoid.social")
    return user, checked_instance(instance, handle)


def checked_instance(instance: str, where: str) -> str:
    """``instance`` in lower case, if it is a domain name; else a ``FetchError`` naming ``where``."""
    problem = host_name_problem(instance)
    if problem is not None:
        raise FetchError(f"mastodon: {where[:200]!r}: the instance {problem}")
    return instance.lower()


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: what a credential and a next-page link must share with their instance."""
    parsed = httpx.URL(url)
    return parsed.scheme, parsed.host, parsed.port


def newer_id(a: str | None, b: str | None) -> str | None:
    """The newer of two status ids (numeric strings of any length)."""
    if a is None or b is None:
        return a or b
    return max(a, b, key=lambda s: (len(s), s))


class MastodonApi:
    """Requests to the instances (``url_template`` turns an instance into its base URL)."""

    def __init__(
        self,
        getter: PoliteGetter,
        url_template: str = "https://{instance}",
        token: str | None = None,
        token_instance: str | None = None,
    ):
        """``token`` goes to ``token_instance`` only; without one, to the single instance of a template
        without ``{instance}`` (a mirror), else nowhere: a token never goes to whichever instance a
        handle names."""
        self.getter = getter
        self.url_template = url_template
        home = token_instance or (None if "{instance}" in url_template else "")
        self._token_origin = origin(self.base(home)) if token and home is not None else None
        self._token_headers = {"Authorization": f"Bearer {token}"} if token else {}

    def base(self, instance: str) -> str:
        return self.url_template.format(instance=instance).rstrip("/")

    def headers_for(self, url: str) -> dict[str, str]:
        """The token, when ``url`` is on the origin it belongs to; nothing otherwise."""
        return self._token_headers if origin(url) == self._token_origin else {}

    def get_url(self, url: str, params: dict[str, str], what: str) -> JsonReply:
        return get_json(self.getter, url, params, what, headers=self.headers_for(url))

    def get(self, instance: str, path: str, params: dict[str, str], what: str) -> JsonReply:
        return self.get_url(self.base(instance) + path, params, what)

    def account(self, handle: str) -> tuple[str, Author]:
        """The instance-local id and the author of a handle (``/api/v1/accounts/lookup``)."""
        user, instance = split_handle(handle)
        reply = self.get(instance, "/api/v1/accounts/lookup", {"acct": user}, f"mastodon:{handle}")
        body = reply.body
        if not isinstance(body, dict) or not isinstance(body.get("id"), str | int):
            raise FetchError(f"mastodon:{handle}: the account lookup did not answer with an account")
        try:
            return str(body["id"]), account_author(body, instance)
        except BadItem as exc:
            raise FetchError(f"mastodon:{handle}: {exc}") from None


class MastodonStatuses:
    """The ``statuses`` and ``tag`` listings."""

    def __init__(self, api: MastodonApi) -> None:
        self.api = api

    def pages(self, source: SourceSpec, cursor: str | None, max_pages: int | None = None) -> Iterator[FetchedPage]:
        instance, path = self._listing(source)
        newest = cursor
        max_id: str | None = None
        done = 0
        while True:
            params = {"limit": str(PAGE_SIZE)}
            if cursor:
                params["since_id"] = cursor
            if max_id:
                params["max_id"] = max_id
            reply = self.api.get(instance, path, params, source.name)
            statuses = reply.body if isinstance(reply.body, list) else []
            for status in statuses:
                newest = newer_id(newest, status_id(status))
            done += 1
            next_max = httpx.URL(reply.links["next"]).params.get("max_id") if "next" in reply.links else None
            exhausted = not statuses or next_max is None or next_max == max_id
            last = exhausted or (max_pages is not None and done >= max_pages)
            yield page_of(parse_statuses(reply.body, instance, source.name), newest if last else None)
            if last:
                return
            max_id = next_max

    def _listing(self, source: SourceSpec) -> tuple[str, str]:
        if source.kind == "tag":
            tag, sep, instance = source.target.lstrip("#").partition("@")
            if not sep or not tag or not instance:
                raise FetchError(f"{source.name}: write a hashtag source as TAG@INSTANCE, e.g. arxiv@sigmoid.social")
            return checked_instance(instance, source.target), f"/api/v1/timelines/tag/{tag}"
        account_id, _ = self.api.account(source.target)
        return split_handle(source.target)[1], f"/api/v1/accounts/{account_id}/statuses"


class MastodonDirectory:
    """Account lookup and following lists (``Link`` paging; a token may be needed on some instances)."""

    def __init__(self, api: MastodonApi) -> None:
        self.api = api

    def lookup(self, handle: str) -> Author:
        return self.api.account(handle)[1]

    def following(self, handle: str) -> Iterator[Author]:
        account_id, _ = self.api.account(handle)
        instance = split_handle(handle)[1]
        what = f"mastodon:{handle}:following"
        base = self.api.base(instance)
        url = f"{base}/api/v1/accounts/{account_id}/following"
        params = {"limit": str(FOLLOWING_PAGE_SIZE)}
        home = origin(url)
        seen: set[str] = set()
        while True:
            reply = self.api.get_url(url, params, what)
            for account in reply.body if isinstance(reply.body, list) else []:
                try:
                    author = account_author(account, instance)
                except BadItem:
                    continue  # an account without a handle cannot be followed by handle
                problem = host_name_problem(author.platform_id.rpartition("@")[2])
                if problem is not None:
                    log.warning("%s: skipping the account %s: its instance %s", what, author.platform_id[:200], problem)
                    continue
                yield author
            following = reply.links.get("next")
            if following is None or following in seen:
                return  # the end (or a server that links a page to itself)
            if origin(following) != home:
                raise FetchError(f"{what}: refusing the next page {following[:200]!r}: not on {base}")
            seen.add(following)
            url, params = split_url(following)
