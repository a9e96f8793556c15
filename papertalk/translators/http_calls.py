"""One polite JSON POST to a translator: spaced requests (the rate limit), retries with exponential
backoff, ``Retry-After`` honoured on 429/503, timeouts; a body that is not JSON or not of the expected
shape is retried like a 5xx, and giving up raises ``TranslationError``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx
import orjson

from papertalk.fetching.polite_http import Failure, PoliteGetter, status_failure, tries
from papertalk.translators.translator import TranslationError

Reader = Callable[[Any], str | None]  # the translated text in a parsed answer, None for a wrong shape


def post_json(getter: PoliteGetter, url: str, body: object, headers: Mapping[str, str], name: str, read: Reader) -> str:
    def judge(response: httpx.Response) -> str | Failure:
        if response.status_code != 200:
            return status_failure(response)
        try:
            answer = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            return Failure(f"an answer that is not JSON ({response.content[:60]!r})", retry=True)
        text = read(answer)
        if text is None:
            return Failure(f"an answer of an unexpected shape ({response.content[:60]!r})", retry=True)
        return text

    def give_up(attempts: int, what: str) -> Exception:
        return TranslationError(f"{name}: {what} ({tries(attempts)})")

    text, _ = getter.get(url, {}, judge, give_up, headers=headers, json_body=body)
    return text
