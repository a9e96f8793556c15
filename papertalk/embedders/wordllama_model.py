"""WordLlama (the extra ``papertalk[embed]``): token embeddings distilled from a large language model,
averaged and normalised. Its wheel ships the ``l2_supercat`` weights and tokenizer, and it runs on numpy,
so it loads in well under a second with no network and no torch (docs/discover.md has the figures)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from papertalk.embedders.embedder import EmbedderUnavailable

INSTALL = "pip install 'papertalk[embed]' (pinned: pip install -r requirements-embed.lock)"
BATCH = 64  # texts per forward pass: WordLlama's own default


class WordLlamaEmbedder:
    def __init__(self, model: str, dim: int) -> None:
        try:
            import wordllama
        except ImportError:
            raise EmbedderUnavailable(
                f"PAPERTALK_EMBEDDER=wordllama needs the wordllama package, which is not installed: {INSTALL}"
            ) from None
        # The package dir as the "cache": its loader looks for the shipped tokenizer under "tokenizer/"
        # but the wheel has it under "tokenizers/", which is where it looks in a cache dir. With downloads
        # off, a model the wheel does not hold is an error here, never a fetch from Hugging Face.
        shipped = Path(wordllama.__file__).parent
        try:
            self._model = wordllama.WordLlama.load(
                model, cache_dir=shipped, dim=256, trunc_dim=None if dim == 256 else dim, disable_download=True
            )
        except (AttributeError, FileNotFoundError, ValueError) as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise EmbedderUnavailable(
                f"PAPERTALK_EMBEDDER_MODEL={model!r} (dim {dim}) is not a model the installed wordllama ships: "
                f"{detail[:200]}"
            ) from None
        self.key = f"wordllama:{model}:{dim}"
        self.dim = dim

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        found = self._model.embed(list(texts), norm=True, batch_size=BATCH)
        return np.ascontiguousarray(found, dtype=np.float32)
