"""The translator the settings name (``PAPERTALK_TRANSLATOR``), or None for "none". Every request goes
through the SSRF guard (``PAPERTALK_FETCH_ALLOW_PRIVATE`` lets a local model server on loopback in) and is
spaced ``min_interval`` apart within the process."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from papertalk.config import NetworkSettings, TranslatorSettings
from papertalk.fetching.address_guard import AddressGuard, guarded_client
from papertalk.fetching.polite_http import PoliteGetter, Politeness
from papertalk.translators.chat_completions import ChatCompletions
from papertalk.translators.libretranslate import LibreTranslate
from papertalk.translators.translator import Translator

MAX_WAIT_SECONDS = 300.0  # the longest a Retry-After is honoured; a longer one ends the round (asked later)


def translator_from(
    chosen: TranslatorSettings,
    net: NetworkSettings,
    http: httpx.Client | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Translator | None:
    if chosen.kind == "none" or chosen.url is None:
        return None
    rules = Politeness(chosen.min_interval, chosen.timeout, chosen.max_attempts, MAX_WAIT_SECONDS, net.user_agent)
    getter = PoliteGetter(http or guarded_client(AddressGuard(allow_private=net.allow_private)), rules, clock, sleep)
    if chosen.kind == "libretranslate":
        return LibreTranslate(getter, chosen.url, chosen.api_key)
    return ChatCompletions(getter, chosen.url, chosen.api_key, chosen.model or "")
