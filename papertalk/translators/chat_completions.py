"""An OpenAI-style chat-completions endpoint (``POST {url}/v1/chat/completions``; OpenAI and local model
servers such as llama.cpp, vLLM or Ollama speak it): the text goes as the user message under a system
message asking for the translation alone, placeholders kept; the answer is
``choices[0].message.content``."""

from __future__ import annotations

from typing import Any

from papertalk.fetching.polite_http import PoliteGetter
from papertalk.translators.http_calls import post_json

INSTRUCTIONS = (
    "Translate the user's text from {source} to {target}. Keep every placeholder such as [[F1]] exactly as "
    "written, once each. Answer with the translation only."
)


class ChatCompletions:
    name = "openai"

    def __init__(self, getter: PoliteGetter, url: str, api_key: str | None, model: str) -> None:
        base = url.rstrip("/")
        self.url = base + ("/chat/completions" if base.endswith("/v1") else "/v1/chat/completions")
        self.getter, self.api_key, self.model = getter, api_key, model

    def translate(self, text: str, source: str, target: str) -> str:
        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": INSTRUCTIONS.format(source=source, target=target)},
                {"role": "user", "content": text},
            ],
        }
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        return post_json(self.getter, self.url, body, headers, self.name, _content)


def _content(answer: Any) -> str | None:
    try:
        content = answer["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        return None
    return content.strip() if isinstance(content, str) else None
