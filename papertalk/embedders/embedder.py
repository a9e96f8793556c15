"""The protocol every embedding model plugs in behind, and the one error they raise.

Vectors are numpy arrays: numpy comes with every model (the extra ``papertalk[embed]``), never with the
base install, so only code that runs when a model is chosen imports this module's users' numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt


class EmbedderUnavailable(Exception):
    """The chosen model cannot be loaded (its package is not installed, or it does not know the model);
    the message is one line saying what to install or set."""


class Embedder(Protocol):
    key: str  # "wordllama:l2_supercat:256": stored beside each vector, so other models' are never compared
    dim: int

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One unit-length row of ``dim`` float32 per text, in order."""
