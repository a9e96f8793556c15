"""The protocol every translator plugs in behind, and the one error they raise."""

from __future__ import annotations

from typing import Protocol


class TranslationError(Exception):
    """No translation now (the service failed, timed out or answered garbage after its retries); the
    message is one line naming the translator and what went wrong. Asked again later."""


class Translator(Protocol):
    name: str  # "libretranslate" or "openai", stored beside each translation

    def translate(self, text: str, source: str, target: str) -> str:
        """``text`` (plain text, formulas already replaced by placeholders) in language ``target``;
        TranslationError when the service gives no usable answer."""
