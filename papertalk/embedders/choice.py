"""The embedding model the settings name (``PAPERTALK_EMBEDDER``), or None for "none"."""

from __future__ import annotations

from papertalk.config import EmbedderSettings
from papertalk.embedders.embedder import Embedder


def embedder_from(chosen: EmbedderSettings) -> Embedder | None:
    """The model, loaded (EmbedderUnavailable, one line, when its package or model is missing)."""
    if not chosen.on:
        return None
    from papertalk.embedders.wordllama_model import WordLlamaEmbedder

    return WordLlamaEmbedder(chosen.model, chosen.dim)
