"""A LibreTranslate-style API: ``POST {url}/translate`` with ``q``, ``source``, ``target``, ``format`` and
``api_key``; the answer is ``{"translatedText": "…"}``."""

from __future__ import annotations

from typing import Any

from papertalk.fetching.polite_http import PoliteGetter
from papertalk.translators.http_calls import post_json


class LibreTranslate:
    name = "libretranslate"

    def __init__(self, getter: PoliteGetter, url: str, api_key: str | None) -> None:
        self.getter, self.url, self.api_key = getter, url.rstrip("/") + "/translate", api_key

    def translate(self, text: str, source: str, target: str) -> str:
        body = {"q": text, "source": source, "target": target, "format": "text", "api_key": self.api_key or ""}
        return post_json(self.getter, self.url, body, {}, self.name, _translated_text)


def _translated_text(answer: Any) -> str | None:
    text = answer.get("translatedText") if isinstance(answer, dict) else None
    return text if isinstance(text, str) else None
